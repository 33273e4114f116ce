package dev.triplestream.registry;

import java.util.Map;

import dev.triplestream.client.RegistryNameResolvers;

/**
 * The {@code zookeeper://} targets of channels: each channel gets a
 * {@link ZookeeperNameResolverProvider} over the shared clients of the configured registries.
 * Immutable and thread-safe.
 */
public final class ZookeeperNameResolvers implements RegistryNameResolvers {

	private final Map<String, ZookeeperRegistry> registries;

	private final ZookeeperClients clients;

	private final DubboMetadataFetcher fetcher;

	/**
	 * @param registries the registries configured by name
	 * @param clients the shared registry clients
	 * @param fetcher the shared metadata cache of application-level providers
	 */
	public ZookeeperNameResolvers(Map<String, ZookeeperRegistry> registries, ZookeeperClients clients,
			DubboMetadataFetcher fetcher) {
		this.registries = Map.copyOf(registries);
		this.clients = clients;
		this.fetcher = fetcher;
	}

	@Override
	public String scheme() {
		return ZookeeperTarget.SCHEME;
	}

	@Override
	public Resolution forChannel(String channel, String target, String serviceGroup, String serviceVersion) {
		ZookeeperNameResolverProvider provider = new ZookeeperNameResolverProvider(channel,
				ZookeeperTarget.parse(target.strip(), this.registries),
				new DubboServiceSelector(serviceGroup, serviceVersion), this.clients, this.fetcher);
		return new Resolution(provider.grpcTarget(), provider);
	}

}
