package dev.triplestream.security;

import java.time.Instant;

import org.springframework.security.core.Authentication;
import org.springframework.util.ClassUtils;

/**
 * When the credentials behind an {@link Authentication} expire: a call authenticated with them is
 * ended with {@code UNAUTHENTICATED} "credentials expired" at that instant (end reason
 * {@code credentials-expired}), or refused when it starts after it. Declare a bean to replace the
 * standard one, {@link #standard()}, for other kinds of credentials. Implementations are
 * thread-safe, quick and never block: they run as every call starts.
 */
@FunctionalInterface
public interface CredentialsExpiry {

	/** When {@code authentication}'s credentials expire; null when they do not. */
	Instant expiresAt(Authentication authentication);

	/**
	 * OAuth 2 tokens, when spring-security-oauth2-core is present: the expiry of the token of an
	 * {@code AbstractOAuth2TokenAuthenticationToken} (such as a {@code JwtAuthenticationToken}'s
	 * {@code exp}, or an opaque token's introspected expiry), else the {@code exp} attribute of an
	 * {@code OAuth2AuthenticatedPrincipal}; nothing for other authentications (passwords,
	 * certificates: the certificate's validity was checked by the TLS handshake).
	 */
	static CredentialsExpiry standard() {
		if (ClassUtils.isPresent("org.springframework.security.oauth2.server.resource.authentication."
				+ "AbstractOAuth2TokenAuthenticationToken", CredentialsExpiry.class.getClassLoader())) {
			return new OAuth2TokenExpiry();
		}
		return (authentication) -> null;
	}

}
