package dev.triplestream.autoconfigure;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Explains an invalid {@code triple.*} property value that triplestream rejected (a malformed
 * target, an unknown scheme, SSL bundle or load-balancing policy, a negative duration...): the
 * property, its value and why, and the property to change. Ordered before Spring Boot's generic
 * analyzer, and only for triplestream's properties.
 */
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class TriplePropertyFailureAnalyzer extends AbstractFailureAnalyzer<InvalidConfigurationPropertyValueException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidConfigurationPropertyValueException cause) {
		String name = cause.getName();
		if (name == null || !name.startsWith("triple.")) {
			return null;
		}
		// a secret's value is never repeated, even if a check passed it on
		Object value = (cause.getValue() != null && isSecret(name)) ? "******" : cause.getValue();
		String description = (value != null)
				? "Invalid value '" + value + "' for configuration property '" + name + "': " + cause.getReason()
				: "Configuration property '" + name + "' is missing: " + cause.getReason();
		return new FailureAnalysis(description, "Change " + name + " to a valid value, as the reason above says.",
				cause);
	}

	private static boolean isSecret(String name) {
		String lower = name.toLowerCase(java.util.Locale.ROOT);
		return lower.endsWith("token") || lower.endsWith("password") || lower.endsWith("secret")
				|| lower.contains("credentials");
	}

}
