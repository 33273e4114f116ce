package dev.triplestream.security;

import java.time.Instant;
import java.util.Date;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AuthenticatedPrincipal;
import org.springframework.security.oauth2.server.resource.authentication.AbstractOAuth2TokenAuthenticationToken;

/**
 * The {@linkplain CredentialsExpiry#standard() standard} expiry of OAuth 2 tokens: the token's
 * {@code expiresAt}, else the principal's {@code exp} attribute. Thread-safe.
 */
final class OAuth2TokenExpiry implements CredentialsExpiry {

	private static final String EXP = "exp";

	@Override
	public Instant expiresAt(Authentication authentication) {
		if (authentication instanceof AbstractOAuth2TokenAuthenticationToken<?> token && token.getToken() != null
				&& token.getToken().getExpiresAt() != null) {
			return token.getToken().getExpiresAt();
		}
		if (authentication.getPrincipal() instanceof OAuth2AuthenticatedPrincipal principal) {
			return instant(principal.getAttribute(EXP));
		}
		return null;
	}

	private static Instant instant(Object value) {
		if (value instanceof Instant instant) {
			return instant;
		}
		if (value instanceof Date date) {
			return date.toInstant();
		}
		if (value instanceof Number seconds) {
			return Instant.ofEpochSecond(seconds.longValue());
		}
		return null;
	}

}
