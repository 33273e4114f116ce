package dev.triplestream.autoconfigure;

import java.util.Locale;

import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * Keeps the channels' secrets out of Actuator's {@code configprops} and {@code env} endpoints
 * even where an application shows their values ({@code management.endpoint.*.show-values}): a
 * {@link SanitizingFunction} that masks every key ending in {@code bearer-token} or {@code password}
 * (so {@code triple.client.*.auth.bearer-token} and {@code auth.basic.password}). By default
 * Spring Boot shows no values at all.
 */
@AutoConfiguration
@ConditionalOnClass(SanitizingFunction.class)
public class TripleCredentialsSanitizingAutoConfiguration {

	@Bean
	public SanitizingFunction tripleCredentialsSanitizingFunction() {
		return SanitizingFunction.sanitizeValue().ifKeyMatches((key) -> {
			String normalized = key.toLowerCase(Locale.ROOT).replace("-", "");
			return normalized.endsWith("bearertoken") || normalized.endsWith("password");
		});
	}

}
