package dev.triplestream.registry;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.Status;
import io.grpc.StatusOr;
import io.grpc.SynchronizationContext;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionStateListener;

/**
 * Resolves a {@link ZookeeperTarget} to the union of its providers in both of Dubbo's layouts
 * ({@link InterfaceLevelProviders}, {@link ApplicationLevelProviders}), each provider its own
 * {@link EquivalentAddressGroup}. Watches push every change; the resolver hands grpc-java a new list
 * only when the set changed, and only once both layouts have been read, so that a channel never
 * sees an early empty list. A removed address only stops new calls from going there: grpc-java
 * shuts its transport down gracefully, and the streams open on it go on until the server ends them.
 * <p>
 * When the registry cannot be reached within its connection timeout at start, one warning names
 * the channel and the registry, and grpc-java is told {@code UNAVAILABLE}: calls fail fast, or
 * wait if they are wait-for-ready, until the registry answers. A registry lost later changes
 * nothing: the caches keep the last known providers, and catch up when the session comes back.
 * <p>
 * grpc-java calls {@link #start}, {@link #refresh} and {@link #shutdown} in the channel's
 * synchronization context; the sources' callbacks hop into it, so the state below is confined to it.
 */
final class ZookeeperNameResolver extends NameResolver {

	private static final Log logger = LogFactory.getLog(ZookeeperNameResolver.class);

	private final String channel;

	private final ZookeeperTarget target;

	private final DubboServiceSelector selector;

	private final ZookeeperClients clients;

	private final DubboMetadataFetcher fetcher;

	private final SynchronizationContext syncContext;

	private final ScheduledExecutorService scheduler;

	private final List<ProviderSource> sources = new ArrayList<>();

	private Listener2 listener;

	private CuratorFramework client;

	private ConnectionStateListener connectionListener;

	private ScheduledFuture<?> unreachableCheck;

	private Set<InetSocketAddress> published;

	private boolean unreachable;

	private boolean shutdown;

	ZookeeperNameResolver(String channel, ZookeeperTarget target, DubboServiceSelector selector,
			ZookeeperClients clients, DubboMetadataFetcher fetcher, Args args) {
		this.channel = channel;
		this.target = target;
		this.selector = selector;
		this.clients = clients;
		this.fetcher = fetcher;
		this.syncContext = args.getSynchronizationContext();
		this.scheduler = args.getScheduledExecutorService();
	}

	@Override
	public String getServiceAuthority() {
		return this.target.serviceInterface();
	}

	@Override
	public void start(Listener2 listener) {
		this.listener = listener;
		this.client = this.clients.client(this.target.registry());
		this.connectionListener = (curator, state) -> {
			if (state.isConnected()) {
				this.syncContext.execute(this::reachable);
			}
		};
		this.client.getConnectionStateListenable().addListener(this.connectionListener);
		String serviceInterface = this.target.serviceInterface();
		this.sources.add(new InterfaceLevelProviders(this.client, this.target.registry(), serviceInterface, this.selector));
		this.sources.add(new ApplicationLevelProviders(this.client, this.target.registry(), serviceInterface,
				this.selector, this.fetcher, this.scheduler));
		for (ProviderSource source : this.sources) {
			source.start(() -> this.syncContext.execute(this::publish));
		}
		long timeout = this.target.registry().connectionTimeout().toMillis();
		this.unreachableCheck = this.scheduler.schedule(() -> this.syncContext.execute(this::checkReachable), timeout,
				TimeUnit.MILLISECONDS);
	}

	private void checkReachable() {
		if (this.shutdown || this.published != null || this.client.getZookeeperClient().isConnected()) {
			return;
		}
		this.unreachable = true;
		String message = "ZooKeeper registry " + this.target.registry() + " of channel '" + this.channel
				+ "' cannot be reached; the channel has no address for " + this.target.serviceInterface()
				+ " until it can";
		logger.warn(message);
		this.listener.onResult2(ResolutionResult.newBuilder()
			.setAddressesOrError(StatusOr.fromStatus(Status.UNAVAILABLE.withDescription(message)))
			.build());
	}

	private void reachable() {
		if (this.unreachable && !this.shutdown) {
			this.unreachable = false;
			logger.info("ZooKeeper registry " + this.target.registry() + " of channel '" + this.channel
					+ "' is reachable again");
		}
	}

	private void publish() {
		if (this.shutdown) {
			return;
		}
		Set<InetSocketAddress> addresses = new LinkedHashSet<>();
		boolean ready = true;
		for (ProviderSource source : this.sources) {
			addresses.addAll(source.addresses());
			ready &= source.ready();
		}
		if (!ready || addresses.equals(this.published)) {
			return;
		}
		this.published = addresses;
		List<EquivalentAddressGroup> groups = new ArrayList<>(addresses.size());
		for (InetSocketAddress address : addresses) {
			// Dubbo registers IP addresses, so this is no lookup
			groups.add(new EquivalentAddressGroup(new InetSocketAddress(address.getHostString(), address.getPort())));
		}
		if (logger.isDebugEnabled()) {
			logger.debug("Channel '" + this.channel + "': providers of " + this.target.serviceInterface() + " are now "
					+ addresses);
		}
		this.listener.onResult2(ResolutionResult.newBuilder().setAddressesOrError(StatusOr.fromValue(groups)).build());
	}

	@Override
	public void refresh() {
		// watches keep the list current; grpc-java asks after a connection failure, and gets the same list
		if (this.published != null) {
			Set<InetSocketAddress> current = this.published;
			this.published = null;
			publish();
			if (this.published == null) {
				this.published = current;
			}
		}
	}

	@Override
	public void shutdown() {
		if (this.shutdown) {
			return;
		}
		this.shutdown = true;
		if (this.unreachableCheck != null) {
			this.unreachableCheck.cancel(false);
		}
		if (this.client != null) {
			this.client.getConnectionStateListenable().removeListener(this.connectionListener);
		}
		this.sources.forEach(ProviderSource::close);
	}

}
