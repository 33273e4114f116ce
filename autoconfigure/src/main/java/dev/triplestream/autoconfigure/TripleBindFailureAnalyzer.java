package dev.triplestream.autoconfigure;

import java.time.Duration;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.util.unit.DataSize;

/**
 * Explains a {@code triple.*} property that cannot be converted to its type, such as a duration or
 * a size written wrong: the property, its value, and how to write one. Ordered before Spring
 * Boot's generic bind analyzer, and only for triplestream's properties.
 */
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class TripleBindFailureAnalyzer extends AbstractFailureAnalyzer<BindException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, BindException cause) {
		ConfigurationProperty property = cause.getProperty();
		if (property == null || !property.getName().toString().startsWith("triple.")) {
			return null;
		}
		String name = property.getName().toString();
		Class<?> type = cause.getTarget().getType().resolve(Object.class);
		String origin = (property.getOrigin() != null) ? " (from " + property.getOrigin() + ")" : "";
		return new FailureAnalysis(
				"Invalid value '" + property.getValue() + "' for configuration property '" + name + "'" + origin
						+ ": it is not a valid " + type.getSimpleName() + ".",
				"Change " + name + " to " + example(type) + ".", cause);
	}

	private static String example(Class<?> type) {
		if (Duration.class.equals(type)) {
			return "a duration, such as 30s, 500ms or 2m";
		}
		if (DataSize.class.equals(type)) {
			return "a size, such as 4MB or 512KB";
		}
		if (Enum.class.isAssignableFrom(type)) {
			return "one of " + java.util.Arrays.toString(type.getEnumConstants()).toLowerCase(java.util.Locale.ROOT);
		}
		return "a valid " + type.getSimpleName();
	}

}
