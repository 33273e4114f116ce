package dev.triplestream.registry;

import java.net.URI;

import io.grpc.NameResolver;

import dev.triplestream.client.SingleSchemeNameResolverProvider;

/**
 * Resolves one channel's {@link ZookeeperTarget} to the Triple providers of its interface,
 * following the registry live ({@link ZookeeperNameResolver}). Made for one channel and handed to
 * that channel's builder only, never registered in grpc-java's global registry; the channel's
 * builder is given the target {@code zookeeper:///INTERFACE}. Immutable and thread-safe.
 */
public final class ZookeeperNameResolverProvider extends SingleSchemeNameResolverProvider {

	private final String channel;

	private final ZookeeperTarget target;

	private final DubboServiceSelector selector;

	private final ZookeeperClients clients;

	private final DubboMetadataFetcher fetcher;

	/**
	 * @param channel the channel's name, for log lines
	 * @param target the parsed target
	 * @param selector the channel's service group and version
	 * @param clients the shared registry clients
	 * @param fetcher the shared metadata cache of application-level providers
	 */
	public ZookeeperNameResolverProvider(String channel, ZookeeperTarget target, DubboServiceSelector selector,
			ZookeeperClients clients, DubboMetadataFetcher fetcher) {
		super(ZookeeperTarget.SCHEME);
		this.channel = channel;
		this.target = target;
		this.selector = selector;
		this.clients = clients;
		this.fetcher = fetcher;
	}

	/** The target to give the channel's builder. */
	public String grpcTarget() {
		return ZookeeperTarget.SCHEME + ":///" + this.target.serviceInterface();
	}

	@Override
	protected NameResolver resolverFor(URI targetUri, NameResolver.Args args) {
		return new ZookeeperNameResolver(this.channel, this.target, this.selector, this.clients, this.fetcher, args);
	}

}
