package dev.triplestream.security;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;

import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.netty.shaded.io.netty.util.concurrent.FastThreadLocalThread;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.core.Ordered;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolderStrategy;

import dev.triplestream.server.ServerStreamContext;
import dev.triplestream.stream.EndReason;

/**
 * Authenticates and authorizes every call of the Triple server before its handler starts, and runs
 * the handler and every callback of the call with its security context.
 * <p>
 * <b>Before the handler:</b> the call's credentials (see {@link CallAuthenticationConverter}) are
 * authenticated by the {@link AuthenticationManager}; a call without any is anonymous (an
 * {@link AnonymousAuthenticationToken} with {@code ROLE_ANONYMOUS}). The first matching
 * {@link TripleSecurity} rule decides. Invalid credentials end the call with
 * {@code UNAUTHENTICATED}, a denial with {@code PERMISSION_DENIED} ({@code UNAUTHENTICATED} for an
 * anonymous caller), before the handler sees anything: no message can arrive before the handler
 * asks for one. Refused calls are tracked and counted like any other (end reason {@code failed},
 * with their status): this interceptor runs inside the server's tracking.
 * <p>
 * <b>Where authentication runs:</b> on the thread that starts the call, grpc-java's call executor
 * unless the server was given a direct executor. A {@code JwtDecoder} may fetch keys, so when the
 * call starts on a transport (Netty event loop) thread, authentication moves to the interceptor's
 * own threads and the call's callbacks wait for it (see {@link PendingCallListener}).
 * <p>
 * <b>The security context</b> is set, through the {@link SecurityContextHolderStrategy}, while the
 * handler starts, around every callback of the call and around every drain action registered with
 * {@link ServerStreamContext#onDrain}, and cleared after. A Spring Security exception thrown there
 * (such as {@code @PreAuthorize}'s) ends the call with the matching status instead of {@code UNKNOWN}.
 * <p>
 * <b>Expiry:</b> when the {@link CredentialsExpiry} gives the credentials an expiry, the call is
 * ended at that instant with {@code UNAUTHENTICATED} "credentials expired", end reason
 * {@link EndReason#CREDENTIALS_EXPIRED}; a call whose credentials have already expired is ended so as
 * it starts. A call cannot change its credentials: a client renews them with a new call.
 * <p>
 * Ordered {@link #ORDER}: first among the server-wide interceptors. Thread-safe.
 */
public final class ServerSecurityInterceptor implements ServerInterceptor, Ordered, AutoCloseable {

	/** The interceptor's order: before the application's server-wide interceptors. */
	public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 1000;

	/** The description of the status that ends a call whose credentials expired. */
	public static final String CREDENTIALS_EXPIRED = "credentials expired";

	private static final String APPLICATION_ERROR = "Application error processing RPC";

	private static final Log logger = LogFactory.getLog(ServerSecurityInterceptor.class);

	private static final ServerCall.Listener<Object> ENDED = new ServerCall.Listener<>() {
	};

	private final AuthenticationManager authenticationManager;

	private final TripleSecurity security;

	private final CredentialsExpiry expiry;

	private final SecurityContextHolderStrategy strategy;

	private final CallAuthenticationConverter converter = new CallAuthenticationConverter();

	private final SecurityThreads threads = new SecurityThreads();

	private final Authentication anonymous = new AnonymousAuthenticationToken("triplestream", "anonymousUser",
			AuthorityUtils.createAuthorityList("ROLE_ANONYMOUS"));

	public ServerSecurityInterceptor(AuthenticationManager authenticationManager, TripleSecurity security,
			CredentialsExpiry expiry, SecurityContextHolderStrategy strategy) {
		this.authenticationManager = authenticationManager;
		this.security = security;
		this.expiry = expiry;
		this.strategy = strategy;
	}

	public TripleSecurity getSecurity() {
		return this.security;
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	@Override
	public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
			ServerCallHandler<Q, R> next) {
		if (!(Thread.currentThread() instanceof FastThreadLocalThread)) {
			return secure(call, headers, next);
		}
		Context context = Context.current();
		PendingCallListener<Q> pending = new PendingCallListener<>();
		try {
			this.threads.authentication().execute(() -> context.run(() -> {
				ServerCall.Listener<Q> listener;
				try {
					listener = secure(call, headers, next);
				}
				catch (RuntimeException | Error ex) {
					// As grpc-java ends a call whose start threw.
					listener = refuse(call, Status.UNKNOWN.withDescription(APPLICATION_ERROR).withCause(ex));
				}
				pending.start(listener);
			}));
		}
		catch (RejectedExecutionException ex) {
			SecuredCallListener.refuse(call, Status.UNAVAILABLE.withDescription("server shutting down"));
		}
		return pending;
	}

	private <Q, R> ServerCall.Listener<Q> secure(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
		Authentication authentication;
		try {
			authentication = authenticate(headers, call);
		}
		catch (AuthenticationException ex) {
			logger.debug("Authentication of a " + call.getMethodDescriptor().getFullMethodName() + " call failed", ex);
			return refuse(call, AccessStatus.of(ex, null));
		}
		SecuredCall secured = new SecuredCall(call.getMethodDescriptor(), headers, call.getAttributes());
		if (!isGranted(authentication, secured)) {
			return refuse(call, AccessStatus.denied(authentication));
		}
		ServerStreamContext streamContext = ServerStreamContext.current();
		Instant expiresAt = AccessStatus.isAnonymous(authentication) ? null : this.expiry.expiresAt(authentication);
		Duration left = (expiresAt != null) ? Duration.between(Instant.now(), expiresAt) : null;
		if (left != null && (left.isNegative() || left.isZero())) {
			streamContext.end(EndReason.CREDENTIALS_EXPIRED, Status.UNAUTHENTICATED.withDescription(CREDENTIALS_EXPIRED));
			return ended();
		}
		SecurityContext securityContext = this.strategy.createEmptyContext();
		securityContext.setAuthentication(authentication);
		CallSecurityContext callSecurity = new CallSecurityContext(this.strategy, securityContext);
		streamContext.decorateDrainActions(callSecurity::wrap);
		Future<?> expiryCheck = (left != null) ? this.threads.schedule(() -> streamContext.end(
				EndReason.CREDENTIALS_EXPIRED, Status.UNAUTHENTICATED.withDescription(CREDENTIALS_EXPIRED)), left) : null;
		ServerCall.Listener<Q> listener;
		try {
			listener = callSecurity.call(() -> next.startCall(call, headers));
		}
		catch (RuntimeException ex) {
			if (expiryCheck != null) {
				expiryCheck.cancel(false);
			}
			Status status = AccessStatus.of(ex, authentication);
			if (status == null) {
				throw ex;
			}
			return refuse(call, status);
		}
		return new SecuredCallListener<>(listener, call, callSecurity, expiryCheck);
	}

	private Authentication authenticate(Metadata headers, ServerCall<?, ?> call) {
		Authentication request = this.converter.convert(headers, call.getAttributes());
		if (request == null) {
			return this.anonymous;
		}
		Authentication result = this.authenticationManager.authenticate(request);
		if (result == null || !result.isAuthenticated()) {
			throw new BadCredentialsException("No authentication provider authenticated the credentials");
		}
		return result;
	}

	private boolean isGranted(Authentication authentication, SecuredCall call) {
		TripleSecurity.Rule rule = this.security.ruleFor(call.fullMethodName());
		try {
			AuthorizationResult result = rule.manager().authorize(() -> authentication, call);
			// Fail closed: a manager that abstains does not grant.
			return result != null && result.isGranted();
		}
		catch (AccessDeniedException ex) {
			return false;
		}
	}

	private static <Q> ServerCall.Listener<Q> refuse(ServerCall<Q, ?> call, Status status) {
		SecuredCallListener.refuse(call, status);
		return ended();
	}

	@SuppressWarnings("unchecked")
	private static <Q> ServerCall.Listener<Q> ended() {
		return (ServerCall.Listener<Q>) ENDED;
	}

	/** Stops the interceptor's threads: calls still open keep their context, but no longer expire. */
	@Override
	public void close() {
		this.threads.close();
	}

	/** The services and methods of the rules, for start-up checks. */
	List<TripleSecurity.Rule> rules() {
		return this.security.rules();
	}

}
