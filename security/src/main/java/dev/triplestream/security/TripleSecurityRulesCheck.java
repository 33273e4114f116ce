package dev.triplestream.security;

import java.util.Set;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;

import dev.triplestream.server.TripleServer;

/**
 * Checks, once the context's singletons exist, that every {@link TripleSecurity} rule names a
 * method or service the {@link TripleServer} serves (or the health or reflection service), so that
 * a misspelt name fails start-up instead of leaving its method under the catch-all rule.
 */
final class TripleSecurityRulesCheck implements SmartInitializingSingleton {

	private final ObjectProvider<TripleSecurity> security;

	private final ObjectProvider<TripleServer> server;

	TripleSecurityRulesCheck(ObjectProvider<TripleSecurity> security, ObjectProvider<TripleServer> server) {
		this.security = security;
		this.server = server;
	}

	@Override
	public void afterSingletonsInstantiated() {
		TripleSecurity rules = this.security.getIfAvailable();
		TripleServer tripleServer = this.server.getIfAvailable();
		if (rules == null || tripleServer == null) {
			return;
		}
		check(rules, tripleServer.getMethodNames());
	}

	/** @throws UnknownSecuredMethodException for the first rule naming a method not in {@code served} */
	static void check(TripleSecurity security, Set<String> served) {
		for (TripleSecurity.Rule rule : security.rules()) {
			if (rule.isAnyMethod() || TripleSecurity.INFRASTRUCTURE_SERVICES.contains(rule.serviceName())) {
				continue;
			}
			boolean known = rule.pattern().endsWith("/*")
					? served.stream().anyMatch(rule::matches) : served.contains(rule.pattern());
			if (!known) {
				throw new UnknownSecuredMethodException(rule, served);
			}
		}
	}

}
