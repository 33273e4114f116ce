package dev.triplestream.security;

import java.util.concurrent.Future;

import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.Status;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The handler's listener with the call's security context set around every callback, on whatever
 * thread grpc-java runs it, and cleared after. A Spring Security exception a callback throws (such
 * as {@code @PreAuthorize} on a unary method, which runs in {@code onHalfClose}) ends the call with
 * {@code UNAUTHENTICATED} or {@code PERMISSION_DENIED} (see {@link AccessStatus}) instead of the
 * {@code UNKNOWN} grpc-java would send. The call's end stops its credentials' expiry check.
 * grpc-java runs these callbacks one at a time.
 */
final class SecuredCallListener<Q> extends ForwardingServerCallListener.SimpleForwardingServerCallListener<Q> {

	private static final Log logger = LogFactory.getLog(SecuredCallListener.class);

	private final ServerCall<Q, ?> call;

	private final CallSecurityContext security;

	/** The expiry check, or null when the credentials do not expire. */
	private final Future<?> expiryCheck;

	SecuredCallListener(ServerCall.Listener<Q> handlerListener, ServerCall<Q, ?> call, CallSecurityContext security,
			Future<?> expiryCheck) {
		super(handlerListener);
		this.call = call;
		this.security = security;
		this.expiryCheck = expiryCheck;
	}

	@Override
	public void onMessage(Q message) {
		run(() -> super.onMessage(message));
	}

	@Override
	public void onHalfClose() {
		run(super::onHalfClose);
	}

	@Override
	public void onReady() {
		run(super::onReady);
	}

	@Override
	public void onCancel() {
		stopExpiryCheck();
		run(super::onCancel);
	}

	@Override
	public void onComplete() {
		stopExpiryCheck();
		run(super::onComplete);
	}

	private void stopExpiryCheck() {
		if (this.expiryCheck != null) {
			this.expiryCheck.cancel(false);
		}
	}

	private void run(Runnable callback) {
		try {
			this.security.run(callback);
		}
		catch (RuntimeException ex) {
			Status status = AccessStatus.of(ex, this.security.context().getAuthentication());
			if (status == null) {
				throw ex;
			}
			refuse(this.call, status);
		}
	}

	/** Ends {@code call} with {@code status}, unless it has ended already. */
	static void refuse(ServerCall<?, ?> call, Status status) {
		try {
			call.close(status, new Metadata());
		}
		catch (IllegalStateException ex) {
			// The handler closed the call before it threw: its close stands.
			logger.debug("Call " + call.getMethodDescriptor().getFullMethodName() + " already closed", ex);
		}
	}

}
