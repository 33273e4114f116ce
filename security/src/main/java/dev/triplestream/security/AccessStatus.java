package dev.triplestream.security;

import io.grpc.Status;

import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.authentication.AuthenticationTrustResolver;
import org.springframework.security.authentication.AuthenticationTrustResolverImpl;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;

/**
 * The status a refused call ends with, as Spring Security's web support answers 401 and 403:
 * {@code UNAUTHENTICATED} when the credentials were missing or invalid (a denial to an anonymous
 * caller included), {@code PERMISSION_DENIED} when an authenticated caller may not call the method,
 * {@code UNAVAILABLE} when the authentication itself failed (an {@link AuthenticationServiceException},
 * such as a token issuer's keys that cannot be fetched). The descriptions say nothing of the
 * credentials.
 */
final class AccessStatus {

	static final Status AUTHENTICATION_REQUIRED = Status.UNAUTHENTICATED.withDescription("authentication required");

	static final Status AUTHENTICATION_FAILED = Status.UNAUTHENTICATED.withDescription("authentication failed");

	static final Status ACCESS_DENIED = Status.PERMISSION_DENIED.withDescription("access denied");

	static final Status SERVICE_FAILED = Status.UNAVAILABLE.withDescription("authentication service unavailable");

	private static final AuthenticationTrustResolver trustResolver = new AuthenticationTrustResolverImpl();

	private AccessStatus() {
	}

	/** The status of a call denied to {@code authentication}. */
	static Status denied(Authentication authentication) {
		return isAnonymous(authentication) ? AUTHENTICATION_REQUIRED : ACCESS_DENIED;
	}

	/**
	 * The status for a Spring Security exception thrown for the call of {@code authentication}
	 * (null when it was not authenticated yet); null when {@code ex} is no such exception.
	 */
	static Status of(Throwable ex, Authentication authentication) {
		if (ex instanceof AuthenticationServiceException) {
			return SERVICE_FAILED.withCause(ex);
		}
		if (ex instanceof AuthenticationException) {
			return AUTHENTICATION_FAILED.withCause(ex);
		}
		if (ex instanceof AccessDeniedException) {
			return denied(authentication).withCause(ex);
		}
		return null;
	}

	static boolean isAnonymous(Authentication authentication) {
		return authentication == null || trustResolver.isAnonymous(authentication);
	}

}
