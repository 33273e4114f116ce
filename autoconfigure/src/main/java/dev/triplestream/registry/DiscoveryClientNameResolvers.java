package dev.triplestream.registry;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

import io.grpc.NameResolver;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.discovery.event.HeartbeatEvent;
import org.springframework.context.ApplicationListener;

import dev.triplestream.client.RegistryNameResolvers;
import dev.triplestream.client.SingleSchemeNameResolverProvider;

/**
 * The {@code discovery:///SERVICE-ID} targets of channels, resolved through the application's
 * Spring Cloud {@link DiscoveryClient} ({@link DiscoveryClientNameResolver}), and the fan-out of
 * Spring Cloud's {@link HeartbeatEvent}s to the resolvers of running channels. Thread-safe: the set
 * of running resolvers is concurrent, and a heartbeat only hands each resolver a task.
 */
public final class DiscoveryClientNameResolvers implements RegistryNameResolvers, ApplicationListener<HeartbeatEvent> {

	/** The target scheme. */
	public static final String SCHEME = "discovery";

	private final Supplier<DiscoveryClient> discoveryClient;

	private final long minRefreshNanos;

	private final Executor fallbackExecutor;

	private final Set<DiscoveryClientNameResolver> running = ConcurrentHashMap.newKeySet();

	/**
	 * @param discoveryClient the application's discovery client, asked for when a channel is
	 * resolved; it returns null when the application has none
	 * @param minRefreshInterval the shortest time between two look-ups grpc-java asks for
	 * @param fallbackExecutor runs look-ups for a channel that has no offload executor
	 */
	public DiscoveryClientNameResolvers(Supplier<DiscoveryClient> discoveryClient, Duration minRefreshInterval,
			Executor fallbackExecutor) {
		this.discoveryClient = discoveryClient;
		this.minRefreshNanos = minRefreshInterval.toNanos();
		this.fallbackExecutor = fallbackExecutor;
	}

	@Override
	public String scheme() {
		return SCHEME;
	}

	@Override
	public Resolution forChannel(String channel, String target, String serviceGroup, String serviceVersion) {
		String serviceId = serviceId(target.strip());
		DiscoveryClient client = this.discoveryClient.get();
		if (client == null) {
			throw new IllegalArgumentException("a discovery:/// target needs a Spring Cloud DiscoveryClient bean, and "
					+ "the application has none (is spring.cloud.discovery.enabled false?)");
		}
		return new Resolution(SCHEME + ":///" + serviceId, new Provider(channel, serviceId, client));
	}

	/**
	 * The service id of a target.
	 * @throws IllegalArgumentException when the target is not {@code discovery:///SERVICE-ID}
	 */
	static String serviceId(String target) {
		URI uri;
		try {
			uri = new URI(target);
		}
		catch (URISyntaxException ex) {
			throw new IllegalArgumentException("not a valid URI: " + ex.getMessage());
		}
		String path = uri.getPath();
		if (uri.getRawAuthority() != null || path == null || path.length() <= 1 || path.indexOf('/', 1) >= 0
				|| uri.getRawQuery() != null) {
			throw new IllegalArgumentException(
					"a discovery target names one service id after three slashes, as in discovery:///SERVICE-ID");
		}
		return path.substring(1);
	}

	@Override
	public void onApplicationEvent(HeartbeatEvent event) {
		this.running.forEach(DiscoveryClientNameResolver::heartbeat);
	}

	void started(DiscoveryClientNameResolver resolver) {
		this.running.add(resolver);
	}

	void stopped(DiscoveryClientNameResolver resolver) {
		this.running.remove(resolver);
	}

	/**
	 * Resolves one channel's target; handed to that channel's builder only, never registered in
	 * grpc-java's global registry. Immutable and thread-safe.
	 */
	private final class Provider extends SingleSchemeNameResolverProvider {

		private final String channel;

		private final String serviceId;

		private final DiscoveryClient client;

		Provider(String channel, String serviceId, DiscoveryClient client) {
			super(SCHEME);
			this.channel = channel;
			this.serviceId = serviceId;
			this.client = client;
		}

		@Override
		protected NameResolver resolverFor(URI targetUri, NameResolver.Args args) {
			return new DiscoveryClientNameResolver(this.channel, this.serviceId, this.client,
					DiscoveryClientNameResolvers.this, DiscoveryClientNameResolvers.this.minRefreshNanos, args,
					DiscoveryClientNameResolvers.this.fallbackExecutor);
		}

	}

}
