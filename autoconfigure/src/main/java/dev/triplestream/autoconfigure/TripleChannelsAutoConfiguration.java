package dev.triplestream.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

import dev.triplestream.client.ChannelDefinition;
import dev.triplestream.client.ClientStreams;
import dev.triplestream.client.ClientStreamsLifecycle;
import dev.triplestream.client.RegistryNameResolvers;
import dev.triplestream.client.TripleChannels;
import dev.triplestream.stream.StreamRegistry;

/**
 * The client channels declared under {@code triple.client.channels}: a {@link TripleChannels} that
 * owns them, and one {@link ManagedChannel} bean per channel, qualified with the channel's name.
 * A channel's credentials come from its {@code auth.*} properties or from the
 * {@link dev.triplestream.client.TripleCallCredentials} bean qualified with its name.
 */
@AutoConfiguration(after = { StreamRegistryAutoConfiguration.class, SslAutoConfiguration.class },
		afterName = { "dev.triplestream.autoconfigure.TripleZookeeperAutoConfiguration",
				"dev.triplestream.autoconfigure.TripleDiscoveryClientAutoConfiguration" })
@ConditionalOnClass(ManagedChannel.class)
@EnableConfigurationProperties(TripleClientProperties.class)
public class TripleChannelsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	public ClientStreams tripleClientStreams(StreamRegistry streamRegistry, TripleClientProperties properties) {
		return new ClientStreams(streamRegistry, properties.getShutdown().getGracePeriod(),
				properties.getLeakDetection());
	}

	@Bean
	@ConditionalOnMissingBean
	public ClientStreamsLifecycle tripleClientStreamsLifecycle(ClientStreams clientStreams) {
		return new ClientStreamsLifecycle(clientStreams);
	}

	@Bean
	@ConditionalOnMissingBean
	public TripleChannels tripleChannels(TripleClientProperties properties, Environment environment,
			ObjectProvider<SslBundles> sslBundles, ClientStreams clientStreams,
			ObjectProvider<ClientInterceptor> interceptors,
			ObjectProvider<TripleChannelBuilderCustomizer> customizers,
			ObjectProvider<RegistryNameResolvers> registryNameResolvers, ListableBeanFactory beanFactory) {
		List<RegistryNameResolvers> registries = registryNameResolvers.orderedStream().toList();
		SslBundles bundles = sslBundles.getIfAvailable();
		List<ResolvedChannel> channels = ResolvedChannel.resolveAll(Binder.get(environment), properties, bundles,
				registries);
		ManagedChannelFactory factory = new ManagedChannelFactory(clientStreams, interceptors, customizers,
				registries, bundles);
		List<ChannelDefinition> definitions = new ArrayList<>();
		for (ResolvedChannel channel : channels) {
			ChannelCredentials credentials = ChannelCredentials.of(channel, beanFactory);
			definitions.add(new ChannelDefinition(channel.name(), channel.target().text(), channel.streamSettings(),
					() -> factory.create(channel, credentials)));
		}
		return new TripleChannels(definitions, properties.isEager(), properties.getShutdown().getGracePeriod());
	}

	@Bean
	public static TripleChannelBeanRegistrar tripleChannelBeanRegistrar() {
		return new TripleChannelBeanRegistrar();
	}

}
