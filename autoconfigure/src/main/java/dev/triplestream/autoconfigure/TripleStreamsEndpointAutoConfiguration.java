package dev.triplestream.autoconfigure;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import dev.triplestream.actuate.TripleStreamsEndpoint;
import dev.triplestream.stream.StreamRegistry;

/**
 * The {@code triplestreams} actuator endpoint, listing every open stream. Exposed like any other
 * endpoint, for example with {@code management.endpoints.web.exposure.include=health,triplestreams}.
 */
@AutoConfiguration(after = StreamRegistryAutoConfiguration.class)
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnAvailableEndpoint(TripleStreamsEndpoint.class)
public class TripleStreamsEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	public TripleStreamsEndpoint tripleStreamsEndpoint(StreamRegistry registry) {
		return new TripleStreamsEndpoint(registry);
	}

}
