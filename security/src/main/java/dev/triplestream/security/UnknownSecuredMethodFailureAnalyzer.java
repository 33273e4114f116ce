package dev.triplestream.security;

import java.util.TreeSet;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Explains an {@link UnknownSecuredMethodException}: the rule, and the names it may use. */
class UnknownSecuredMethodFailureAnalyzer extends AbstractFailureAnalyzer<UnknownSecuredMethodException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, UnknownSecuredMethodException cause) {
		TreeSet<String> names = new TreeSet<>(cause.getServed());
		return new FailureAnalysis(
				"The TripleSecurity rule " + cause.getRule() + " names "
						+ (cause.getRule().pattern().endsWith("/*") ? "a service" : "a method")
						+ " that the Triple server does not serve.",
				"Name a method as package.Service/Method, or a service as package.Service, among those served: "
						+ String.join(", ", names) + " (and " + String.join(", ", new TreeSet<>(TripleSecurity.INFRASTRUCTURE_SERVICES))
						+ ").",
				cause);
	}

}
