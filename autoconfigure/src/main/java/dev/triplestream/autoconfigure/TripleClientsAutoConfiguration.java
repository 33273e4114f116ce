package dev.triplestream.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import io.grpc.ManagedChannel;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

import dev.triplestream.client.ClientStreams;
import dev.triplestream.client.TripleChannels;
import dev.triplestream.client.TripleClient;
import dev.triplestream.client.TripleClientFactory;

/**
 * Beans for {@link TripleClient} interfaces: the factory that implements them, and the
 * registration of those in the application's packages.
 */
@AutoConfiguration(after = TripleChannelsAutoConfiguration.class)
@ConditionalOnClass(ManagedChannel.class)
@Import(AutoConfiguredTripleClientsRegistrar.class)
public class TripleClientsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	public TripleClientFactory tripleClientFactory(TripleChannels channels, ClientStreams clientStreams) {
		return new TripleClientFactory(channels::get, clientStreams);
	}

}
