package dev.triplestream.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import dev.triplestream.actuate.TripleStreamMetrics;
import dev.triplestream.stream.StreamRegistry;

/**
 * Stream metrics for Micrometer: Spring Boot binds the {@link TripleStreamMetrics} bean to every
 * meter registry it configures.
 */
@AutoConfiguration(after = StreamRegistryAutoConfiguration.class)
@ConditionalOnClass(MeterRegistry.class)
public class TripleMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	public TripleStreamMetrics tripleStreamMetrics(StreamRegistry registry) {
		return new TripleStreamMetrics(registry);
	}

}
