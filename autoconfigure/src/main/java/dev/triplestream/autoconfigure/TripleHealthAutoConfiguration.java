package dev.triplestream.autoconfigure;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

import dev.triplestream.actuate.ChannelHealthIndicator;
import dev.triplestream.actuate.TripleHealthContributor;
import dev.triplestream.actuate.TripleHealthIndicator;
import dev.triplestream.client.TripleChannels;
import dev.triplestream.server.ShutdownAnnouncement;
import dev.triplestream.server.TripleServer;
import dev.triplestream.stream.StreamRegistry;

/**
 * The {@code triple} health contributor (off with {@code management.health.triple.enabled=false}):
 * {@code triple/server} and one {@code triple/channels/{name}} per channel, DOWN only after
 * {@code triple.client.health.failure-threshold} in TRANSIENT_FAILURE. Spring Boot's readiness
 * group includes none of them unless configured to.
 */
@AutoConfiguration(after = { StreamRegistryAutoConfiguration.class, TripleChannelsAutoConfiguration.class,
		TripleServerAutoConfiguration.class })
@ConditionalOnClass({ HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnEnabledHealthIndicator("triple")
@EnableConfigurationProperties(TripleClientProperties.class)
public class TripleHealthAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "tripleHealthContributor")
	public TripleHealthContributor tripleHealthContributor(ObjectProvider<TripleServer> server,
			ObjectProvider<TripleChannels> channels, StreamRegistry registry,
			ObjectProvider<ShutdownAnnouncement> announcement, TripleClientProperties properties) {
		Map<String, ChannelHealthIndicator> indicators = new LinkedHashMap<>();
		TripleChannels available = channels.getIfAvailable();
		if (available != null) {
			for (String name : available.names()) {
				indicators.put(name, new ChannelHealthIndicator(available, name,
						properties.getHealth().getFailureThreshold(), Clock.systemUTC()));
			}
		}
		return new TripleHealthContributor(new TripleHealthIndicator(server, channels, registry, announcement),
				indicators);
	}

}
