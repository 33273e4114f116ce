package dev.triplestream.security;

import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Locale;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

import io.grpc.Attributes;
import io.grpc.Grpc;
import io.grpc.Metadata;

import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.web.authentication.preauth.PreAuthenticatedAuthenticationToken;
import org.springframework.security.web.authentication.preauth.x509.SubjectX500PrincipalExtractor;
import org.springframework.util.ClassUtils;

/**
 * Reads the credentials a call presents into an unauthenticated {@link Authentication} for the
 * {@code AuthenticationManager}: the {@code authorization} header ({@code Bearer <token>} as a
 * {@code BearerTokenAuthenticationToken}, {@code Basic <base64(user:password)>} as a
 * {@code UsernamePasswordAuthenticationToken}); without one, the client certificate of a mutual-TLS
 * connection as a {@code PreAuthenticatedAuthenticationToken} whose principal is the subject's
 * common name (Spring Security's {@code SubjectX500PrincipalExtractor}) and whose credentials are the
 * certificate. The header wins when both are present. Thread-safe.
 */
final class CallAuthenticationConverter {

	static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization",
			Metadata.ASCII_STRING_MARSHALLER);

	private static final ClassLoader CLASS_LOADER = CallAuthenticationConverter.class.getClassLoader();

	private static final boolean BEARER_PRESENT = ClassUtils.isPresent(
			"org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken",
			CLASS_LOADER);

	private static final boolean X509_PRESENT = ClassUtils.isPresent(
			"org.springframework.security.web.authentication.preauth.x509.SubjectX500PrincipalExtractor", CLASS_LOADER);

	/**
	 * The credentials of a call, unauthenticated; null when it presents none.
	 * @throws BadCredentialsException when the {@code authorization} header cannot be read
	 */
	Authentication convert(Metadata headers, Attributes attributes) {
		String authorization = headers.get(AUTHORIZATION);
		if (authorization != null) {
			return fromHeader(authorization.trim());
		}
		SSLSession session = attributes.get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
		if (session != null && X509_PRESENT) {
			X509Certificate certificate = clientCertificate(session);
			if (certificate != null) {
				return X509.token(certificate);
			}
		}
		return null;
	}

	private static Authentication fromHeader(String authorization) {
		int space = authorization.indexOf(' ');
		String scheme = (space > 0) ? authorization.substring(0, space).toLowerCase(Locale.ROOT) : "";
		String value = (space > 0) ? authorization.substring(space + 1).trim() : "";
		if (value.isEmpty()) {
			throw new BadCredentialsException("Empty or malformed authorization header");
		}
		if (scheme.equals("bearer")) {
			if (!BEARER_PRESENT) {
				throw new BadCredentialsException("Bearer tokens are not supported: spring-security-oauth2-resource-server"
						+ " is not on the class path");
			}
			return Bearer.token(value);
		}
		if (scheme.equals("basic")) {
			return basic(value);
		}
		throw new BadCredentialsException("Unsupported authorization scheme '" + scheme + "'");
	}

	private static Authentication basic(String encoded) {
		String decoded;
		try {
			decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
		}
		catch (IllegalArgumentException ex) {
			throw new BadCredentialsException("Basic credentials are not valid Base64", ex);
		}
		int colon = decoded.indexOf(':');
		if (colon < 0) {
			throw new BadCredentialsException("Basic credentials have no ':' between user and password");
		}
		return UsernamePasswordAuthenticationToken.unauthenticated(decoded.substring(0, colon),
				decoded.substring(colon + 1));
	}

	private static X509Certificate clientCertificate(SSLSession session) {
		try {
			Certificate[] chain = session.getPeerCertificates();
			return (chain.length > 0 && chain[0] instanceof X509Certificate certificate) ? certificate : null;
		}
		catch (SSLPeerUnverifiedException ex) {
			// The client sent no certificate (client-auth optional or none).
			return null;
		}
	}

	/** Loaded only when spring-security-oauth2-resource-server is present. */
	private static final class Bearer {

		static Authentication token(String token) {
			return new BearerTokenAuthenticationToken(token);
		}

	}

	/** Loaded only when spring-security-web is present. */
	private static final class X509 {

		private static final SubjectX500PrincipalExtractor EXTRACTOR = new SubjectX500PrincipalExtractor();

		static Authentication token(X509Certificate certificate) {
			return new PreAuthenticatedAuthenticationToken(EXTRACTOR.extractPrincipal(certificate), certificate);
		}

	}

}
