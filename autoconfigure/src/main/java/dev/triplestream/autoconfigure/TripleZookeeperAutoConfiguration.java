package dev.triplestream.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.ManagedChannel;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.triplestream.registry.AdvertisedAddress;
import dev.triplestream.registry.DubboMetadataFetcher;
import dev.triplestream.registry.DubboProviderUrls;
import dev.triplestream.registry.ServerRegistration;
import dev.triplestream.registry.ZookeeperClients;
import dev.triplestream.registry.ZookeeperNameResolvers;
import dev.triplestream.registry.ZookeeperRegistry;
import dev.triplestream.registry.ZookeeperTarget;
import dev.triplestream.server.TripleServer;

/**
 * ZooKeeper registries in Dubbo's layouts, when Apache Curator ({@code curator-x-discovery}, which
 * brings the recipes and Jackson) is on the class path: {@code zookeeper://} channel targets, and
 * the server's registration when {@code triple.server.registry.address} is set.
 */
@AutoConfiguration(after = TripleServerAutoConfiguration.class)
@ConditionalOnClass({ CuratorFramework.class, CuratorCache.class, ObjectMapper.class, ManagedChannel.class })
@EnableConfigurationProperties(TripleRegistryProperties.class)
public class TripleZookeeperAutoConfiguration {

	/** The announce period when a registry is configured and the period is not. */
	static final Duration DEFAULT_ANNOUNCE_PERIOD = Duration.ofSeconds(2);

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	public ZookeeperClients tripleZookeeperClients() {
		return new ZookeeperClients();
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	public DubboMetadataFetcher tripleDubboMetadataFetcher() {
		return new DubboMetadataFetcher(5000);
	}

	@Bean
	public ZookeeperNameResolvers tripleZookeeperNameResolvers(TripleRegistryProperties properties,
			ZookeeperClients clients, DubboMetadataFetcher fetcher) {
		return new ZookeeperNameResolvers(registries(properties), clients, fetcher);
	}

	static Map<String, ZookeeperRegistry> registries(TripleRegistryProperties properties) {
		Map<String, ZookeeperRegistry> registries = new LinkedHashMap<>();
		properties.getRegistry().forEach((name, zookeeper) -> {
			String address = zookeeper.getAddress();
			if (address == null || address.isBlank()) {
				throw new InvalidConfigurationPropertyValueException("triple.registry." + name + ".address", address,
						"A registry needs the address of its ensemble, as host:port[,host:port...]");
			}
			String prefix = ZookeeperTarget.SCHEME + "://";
			String connect = address.strip();
			connect = connect.regionMatches(true, 0, prefix, 0, prefix.length()) ? connect.substring(prefix.length())
					: connect;
			registries.put(name, new ZookeeperRegistry(name, connect, zookeeper.getSessionTimeout(),
					zookeeper.getConnectionTimeout(), zookeeper.getRootPath(), zookeeper.getUsername(),
					zookeeper.getPassword()));
		});
		return registries;
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBean(TripleServer.class)
	@ConditionalOnProperty("triple.server.registry.address")
	static class ServerRegistrationConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ServerRegistration tripleServerRegistration(TripleServerProperties serverProperties,
				TripleRegistryProperties registryProperties, ZookeeperClients clients, TripleServer server) {
			TripleServerProperties.Registry registration = serverProperties.getRegistry();
			ZookeeperRegistry registry = registry(registration.getAddress(), registries(registryProperties));
			String host = AdvertisedAddress.of(registration.getAdvertisedAddress(), serverProperties.getAddress());
			Duration announce = serverProperties.getShutdown().getAnnouncePeriod();
			if (announce != null && announce.isNegative()) {
				throw new InvalidConfigurationPropertyValueException("triple.server.shutdown.announce-period", announce,
						"The announce period must be zero or positive");
			}
			return new ServerRegistration(clients, registry, server,
					new DubboProviderUrls(host, registration.getApplication(), registration.getGroup(),
							registration.getVersion(), registration.getInterfaces()),
					(announce != null) ? announce : DEFAULT_ANNOUNCE_PERIOD);
		}

		private static ZookeeperRegistry registry(String address, Map<String, ZookeeperRegistry> registries) {
			String prefix = ZookeeperTarget.SCHEME + "://";
			String text = address.strip();
			if (!text.regionMatches(true, 0, prefix, 0, prefix.length()) || text.length() == prefix.length()) {
				throw new InvalidConfigurationPropertyValueException("triple.server.registry.address", address,
						"Write zookeeper://host:port[,host:port...], or zookeeper://NAME for triple.registry.NAME");
			}
			String authority = text.substring(prefix.length());
			authority = authority.endsWith("/") ? authority.substring(0, authority.length() - 1) : authority;
			ZookeeperRegistry named = registries.get(authority);
			if (named != null) {
				return named;
			}
			if (!authority.contains(":")) {
				throw new InvalidConfigurationPropertyValueException("triple.server.registry.address", address,
						"No registry named '" + authority + "' under triple.registry; an inline registry is "
								+ "host:port[,host:port...]");
			}
			return ZookeeperRegistry.inline(authority);
		}

	}

}
