package dev.triplestream.security;

import java.util.ArrayList;
import java.util.List;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.ProviderNotFoundException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsByNameServiceWrapper;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;
import org.springframework.security.web.authentication.preauth.PreAuthenticatedAuthenticationProvider;
import org.springframework.security.web.authentication.preauth.PreAuthenticatedAuthenticationToken;
import org.springframework.util.ClassUtils;

/**
 * The {@link AuthenticationManager} of the Triple server's calls: the application's own, as Spring
 * Security would use it. In order:
 * <ol>
 * <li>the application's {@code AuthenticationManager} bean, when it has exactly one;</li>
 * <li>else a {@link ProviderManager} over the application's {@link AuthenticationProvider} beans (in
 * their order), completed by what the application's beans imply when no provider of its own takes
 * that kind of credentials: a {@link DaoAuthenticationProvider} over its {@link UserDetailsService}
 * (and {@link PasswordEncoder}, if any) for Basic credentials; a {@link JwtAuthenticationProvider}
 * over its {@link JwtDecoder} for bearer tokens; and, for client certificates, a
 * {@link PreAuthenticatedAuthenticationProvider} that loads the subject's common name from the
 * {@code UserDetailsService}, or, without one, trusts the certificate the TLS handshake verified and
 * grants it no authority.</li>
 * </ol>
 * Resolved at the first call, so that beans defined after the server's are found. Thread-safe.
 */
final class TripleAuthenticationManager implements AuthenticationManager {

	private static final ClassLoader CLASS_LOADER = TripleAuthenticationManager.class.getClassLoader();

	private static final boolean JWT_PRESENT = ClassUtils.isPresent(
			"org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider", CLASS_LOADER)
			&& ClassUtils.isPresent("org.springframework.security.oauth2.jwt.JwtDecoder", CLASS_LOADER);

	private static final boolean X509_PRESENT = ClassUtils.isPresent(
			"org.springframework.security.web.authentication.preauth.PreAuthenticatedAuthenticationProvider",
			CLASS_LOADER);

	private final ListableBeanFactory beanFactory;

	private volatile AuthenticationManager delegate;

	TripleAuthenticationManager(ListableBeanFactory beanFactory) {
		this.beanFactory = beanFactory;
	}

	@Override
	public Authentication authenticate(Authentication authentication) {
		AuthenticationManager manager = this.delegate;
		if (manager == null) {
			synchronized (this) {
				manager = this.delegate;
				if (manager == null) {
					manager = resolve();
					this.delegate = manager;
				}
			}
		}
		return manager.authenticate(authentication);
	}

	private AuthenticationManager resolve() {
		AuthenticationManager own = this.beanFactory.getBeanProvider(AuthenticationManager.class).getIfUnique();
		if (own != null) {
			return own;
		}
		List<AuthenticationProvider> providers = new ArrayList<>(
				this.beanFactory.getBeanProvider(AuthenticationProvider.class).orderedStream().toList());
		UserDetailsService users = this.beanFactory.getBeanProvider(UserDetailsService.class).getIfUnique();
		if (users != null && !supports(providers, UsernamePasswordAuthenticationToken.class)) {
			DaoAuthenticationProvider dao = new DaoAuthenticationProvider(users);
			PasswordEncoder encoder = this.beanFactory.getBeanProvider(PasswordEncoder.class).getIfUnique();
			if (encoder != null) {
				dao.setPasswordEncoder(encoder);
			}
			providers.add(dao);
		}
		if (JWT_PRESENT) {
			Jwt.addProvider(providers, this.beanFactory);
		}
		if (X509_PRESENT) {
			X509.addProvider(providers, users);
		}
		if (providers.isEmpty()) {
			return (authentication) -> {
				throw new ProviderNotFoundException("No AuthenticationProvider for " + authentication.getClass().getName());
			};
		}
		return new ProviderManager(providers);
	}

	private static boolean supports(List<AuthenticationProvider> providers, Class<?> authentication) {
		return providers.stream().anyMatch((provider) -> provider.supports(authentication));
	}

	/** Loaded only when the resource server and JOSE support are present. */
	private static final class Jwt {

		static void addProvider(List<AuthenticationProvider> providers, ListableBeanFactory beanFactory) {
			if (supports(providers, BearerTokenAuthenticationToken.class)) {
				return;
			}
			JwtDecoder decoder = beanFactory.getBeanProvider(JwtDecoder.class).getIfUnique();
			if (decoder != null) {
				providers.add(new JwtAuthenticationProvider(decoder));
			}
		}

	}

	/** Loaded only when spring-security-web is present. */
	private static final class X509 {

		static void addProvider(List<AuthenticationProvider> providers, UserDetailsService users) {
			if (supports(providers, PreAuthenticatedAuthenticationToken.class)) {
				return;
			}
			PreAuthenticatedAuthenticationProvider provider = new PreAuthenticatedAuthenticationProvider();
			if (users != null) {
				provider.setPreAuthenticatedUserDetailsService(new UserDetailsByNameServiceWrapper<>(users));
			}
			else {
				provider.setPreAuthenticatedUserDetailsService(
						(token) -> User.withUsername(token.getName()).password("N/A").authorities(List.of()).build());
			}
			provider.afterPropertiesSet();
			providers.add(provider);
		}

	}

}
