package dev.triplestream.autoconfigure;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

import dev.triplestream.actuate.TripleHealthIndicator;
import dev.triplestream.client.TripleChannels;
import dev.triplestream.server.TripleServer;
import dev.triplestream.stream.StreamRegistry;

/**
 * The {@code triple} health indicator (off with {@code management.health.triple.enabled=false}).
 */
@AutoConfiguration(after = { StreamRegistryAutoConfiguration.class, TripleChannelsAutoConfiguration.class,
		TripleServerAutoConfiguration.class })
@ConditionalOnClass({ HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnEnabledHealthIndicator("triple")
public class TripleHealthAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "tripleHealthIndicator")
	public TripleHealthIndicator tripleHealthIndicator(ObjectProvider<TripleServer> server,
			ObjectProvider<TripleChannels> channels, StreamRegistry registry) {
		return new TripleHealthIndicator(server, channels, registry);
	}

}
