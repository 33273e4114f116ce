package dev.triplestream.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import dev.triplestream.stream.StreamRegistry;

/**
 * The {@link StreamRegistry} shared by the client and server sides.
 */
@AutoConfiguration
public class StreamRegistryAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	public StreamRegistry tripleStreamRegistry() {
		return new StreamRegistry();
	}

}
