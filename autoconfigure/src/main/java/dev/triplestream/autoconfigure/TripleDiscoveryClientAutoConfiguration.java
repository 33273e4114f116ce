package dev.triplestream.autoconfigure;

import java.time.Duration;
import java.util.concurrent.Executor;

import io.grpc.ManagedChannel;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.discovery.event.HeartbeatEvent;
import org.springframework.cloud.client.serviceregistry.Registration;
import org.springframework.cloud.zookeeper.discovery.ZookeeperDiscoveryProperties;
import org.springframework.cloud.zookeeper.serviceregistry.ZookeeperRegistration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.triplestream.registry.DiscoveryClientNameResolvers;
import dev.triplestream.registry.TriplePortRegistrationMetadata;
import dev.triplestream.server.TripleServer;

/**
 * Spring Cloud service discovery, when Spring Cloud Commons is on the class path:
 * {@code discovery:///SERVICE-ID} channel targets through the application's {@link DiscoveryClient},
 * refreshed on Spring Cloud's {@link HeartbeatEvent}s, and the Triple port in the metadata of the
 * application's Spring Cloud service registration.
 */
@AutoConfiguration(after = TripleServerAutoConfiguration.class)
@ConditionalOnClass({ DiscoveryClient.class, HeartbeatEvent.class, ManagedChannel.class })
public class TripleDiscoveryClientAutoConfiguration {

	/**
	 * The shortest time between two look-ups that grpc-java asks for (it asks after connection
	 * failures, with its own back-off); heartbeats are not held back by it.
	 */
	static final Duration MIN_REFRESH_INTERVAL = Duration.ofSeconds(1);

	private static final String ZOOKEEPER_REGISTRATION = "org.springframework.cloud.zookeeper.serviceregistry.ZookeeperRegistration";

	@Bean
	@ConditionalOnMissingBean
	public DiscoveryClientNameResolvers tripleDiscoveryClientNameResolvers(
			ObjectProvider<DiscoveryClient> discoveryClient) {
		// grpc-java gives every channel an offload executor; this serves one built without
		Executor fallback = (task) -> {
			Thread thread = new Thread(task, "triple-discovery-lookup");
			thread.setDaemon(true);
			thread.start();
		};
		return new DiscoveryClientNameResolvers(discoveryClient::getIfAvailable, MIN_REFRESH_INTERVAL, fallback);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBean(TripleServer.class)
	static class RegistrationMetadataConfiguration {

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnMissingClass(ZOOKEEPER_REGISTRATION)
		TriplePortRegistrationMetadata tripleDiscoveryRegistrationMetadata(TripleServer server) {
			return new TriplePortRegistrationMetadata(server, Registration::getMetadata);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBean(TripleServer.class)
	@ConditionalOnClass(name = ZOOKEEPER_REGISTRATION)
	static class ZookeeperRegistrationMetadataConfiguration {

		@Bean
		@ConditionalOnMissingBean
		TriplePortRegistrationMetadata tripleDiscoveryRegistrationMetadata(TripleServer server,
				ObjectProvider<ZookeeperDiscoveryProperties> zookeeperProperties) {
			// Spring Cloud Zookeeper builds its registration only as it registers (building it earlier
			// breaks its registration): until then its metadata is an empty map of no use. Its
			// auto-registration hands the discovery properties' own metadata map to the instance.
			return new TriplePortRegistrationMetadata(server, (registration) -> {
				ZookeeperDiscoveryProperties properties = zookeeperProperties.getIfAvailable();
				return (registration instanceof ZookeeperRegistration && properties != null) ? properties.getMetadata()
						: registration.getMetadata();
			});
		}

	}

}
