package dev.triplestream.security;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;

import dev.triplestream.autoconfigure.TripleServerAutoConfiguration;
import dev.triplestream.server.TripleServer;

/**
 * Secures the {@link TripleServer} when Spring Security is on the class path: a
 * {@link ServerSecurityInterceptor} (a server-wide interceptor, like every {@code ServerInterceptor}
 * bean) authenticates every call with the application's {@link AuthenticationManager} (see
 * {@link TripleAuthenticationManager}) and authorizes it by the {@link TripleSecurity} bean, or by
 * {@link TripleSecurity#defaults()} without one. Off with
 * {@code triple.server.security.enabled=false}.
 */
@AutoConfiguration(after = TripleServerAutoConfiguration.class)
@ConditionalOnClass({ AuthenticationManager.class, TripleServer.class })
@ConditionalOnBean(TripleServer.class)
@ConditionalOnBooleanProperty(name = "triple.server.security.enabled", matchIfMissing = true)
public class TripleServerSecurityAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	public TripleSecurity tripleSecurity() {
		return TripleSecurity.defaults();
	}

	@Bean
	@ConditionalOnMissingBean
	public CredentialsExpiry tripleCredentialsExpiry() {
		return CredentialsExpiry.standard();
	}

	@Bean
	@ConditionalOnMissingBean
	public ServerSecurityInterceptor tripleServerSecurityInterceptor(ListableBeanFactory beanFactory,
			TripleSecurity security, CredentialsExpiry expiry, ObjectProvider<SecurityContextHolderStrategy> strategy) {
		return new ServerSecurityInterceptor(new TripleAuthenticationManager(beanFactory), security, expiry,
				strategy.getIfAvailable(SecurityContextHolder::getContextHolderStrategy));
	}

	@Bean
	static TripleSecurityRulesCheck tripleSecurityRulesCheck(ObjectProvider<TripleSecurity> security,
			ObjectProvider<TripleServer> server) {
		return new TripleSecurityRulesCheck(security, server);
	}

}
