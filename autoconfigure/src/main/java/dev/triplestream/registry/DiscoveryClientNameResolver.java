package dev.triplestream.registry;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.Status;
import io.grpc.StatusOr;
import io.grpc.SynchronizationContext;
import io.grpc.SynchronizationContext.ScheduledHandle;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;

/**
 * Resolves {@code discovery:///SERVICE-ID} to the instances a Spring Cloud {@link DiscoveryClient}
 * lists ({@link DiscoveryInstances}), each its own {@link EquivalentAddressGroup}. It looks them up
 * at start, on every Spring Cloud heartbeat ({@link #heartbeat()}), and when grpc-java asks
 * ({@link #refresh()}, after a connection failure; at most once per {@code minRefreshInterval}).
 * <p>
 * The {@code DiscoveryClient} may block (it may ask its registry over the network), so it is
 * called on the channel's offload executor, never in the synchronization context or a Netty
 * event loop; one look-up runs at a time, and triggers that come meanwhile make one more. A
 * look-up that fails keeps the last known addresses (one warning per run of failures); before any
 * success the channel is told {@code UNAVAILABLE}. No instance is an empty address list: calls
 * fail with {@code UNAVAILABLE} (wait-for-ready calls wait) until one registers; one line says so.
 * A removed address only stops new calls from going there: the streams open on it go on.
 * <p>
 * {@link #start}, {@link #refresh}, {@link #shutdown} run in the channel's synchronization context,
 * and the other paths hop into it, so the state below is confined to it.
 */
final class DiscoveryClientNameResolver extends NameResolver {

	private static final Log logger = LogFactory.getLog(DiscoveryClientNameResolver.class);

	private final String channel;

	private final String serviceId;

	private final DiscoveryClient discoveryClient;

	private final DiscoveryClientNameResolvers owner;

	private final long minRefreshNanos;

	private final SynchronizationContext syncContext;

	private final ScheduledExecutorService scheduler;

	private final Executor executor;

	private Listener2 listener;

	private boolean resolving;

	private boolean again;

	private boolean publishAnyway;

	private long lastLookUp;

	private ScheduledHandle delayedRefresh;

	private List<InetSocketAddress> published;

	private boolean failing;

	private List<String> reportedProblems = List.of();

	private boolean shutdown;

	DiscoveryClientNameResolver(String channel, String serviceId, DiscoveryClient discoveryClient,
			DiscoveryClientNameResolvers owner, long minRefreshNanos, Args args, Executor fallbackExecutor) {
		this.channel = channel;
		this.serviceId = serviceId;
		this.discoveryClient = discoveryClient;
		this.owner = owner;
		this.minRefreshNanos = minRefreshNanos;
		this.syncContext = args.getSynchronizationContext();
		this.scheduler = args.getScheduledExecutorService();
		this.executor = (args.getOffloadExecutor() != null) ? args.getOffloadExecutor() : fallbackExecutor;
	}

	@Override
	public String getServiceAuthority() {
		return this.serviceId;
	}

	@Override
	public void start(Listener2 listener) {
		this.listener = listener;
		this.owner.started(this);
		lookUp(true);
	}

	@Override
	public void refresh() {
		if (this.shutdown || this.delayedRefresh != null) {
			return;
		}
		long wait = this.minRefreshNanos - (System.nanoTime() - this.lastLookUp);
		if (wait <= 0) {
			lookUp(true);
			return;
		}
		this.delayedRefresh = this.syncContext.schedule(() -> {
			this.delayedRefresh = null;
			lookUp(true);
		}, wait, TimeUnit.NANOSECONDS, this.scheduler);
	}

	/** A Spring Cloud heartbeat: the registry may have changed. Any thread. */
	void heartbeat() {
		this.syncContext.execute(() -> lookUp(false));
	}

	/**
	 * Starts a look-up, or asks for one more after the one running.
	 * @param publishAnyway whether grpc-java is told the result even when it did not change
	 * (grpc-java's own retries wait for an answer)
	 */
	private void lookUp(boolean publishAnyway) {
		if (this.shutdown) {
			return;
		}
		this.publishAnyway |= publishAnyway;
		if (this.resolving) {
			this.again = true;
			return;
		}
		this.resolving = true;
		this.lastLookUp = System.nanoTime();
		boolean publish = this.publishAnyway;
		this.publishAnyway = false;
		this.executor.execute(() -> {
			List<String> problems = new ArrayList<>();
			List<InetSocketAddress> addresses;
			RuntimeException failure = null;
			try {
				List<ServiceInstance> instances = this.discoveryClient.getInstances(this.serviceId);
				addresses = DiscoveryInstances.addresses((instances != null) ? instances : List.of(), problems);
			}
			catch (RuntimeException ex) {
				addresses = null;
				failure = ex;
			}
			List<InetSocketAddress> found = addresses;
			RuntimeException failed = failure;
			this.syncContext.execute(() -> done(found, problems, failed, publish));
		});
	}

	private void done(List<InetSocketAddress> addresses, List<String> problems, RuntimeException failure,
			boolean publish) {
		this.resolving = false;
		if (this.shutdown) {
			return;
		}
		if (failure != null) {
			failed(failure);
		}
		else {
			found(addresses, problems, publish);
		}
		if (this.again) {
			this.again = false;
			lookUp(false);
		}
	}

	private void failed(RuntimeException failure) {
		String message = "Channel '" + this.channel + "' cannot look up the instances of '" + this.serviceId
				+ "' in the DiscoveryClient (" + failure + ")";
		if (this.published != null) {
			if (!this.failing) {
				logger.warn(message + "; it keeps the last known " + this.published.size() + " address(es) "
						+ this.published);
			}
			this.failing = true;
			return;
		}
		if (!this.failing) {
			logger.warn(message + "; calls fail with UNAVAILABLE until it answers", failure);
		}
		this.failing = true;
		this.listener.onResult2(ResolutionResult.newBuilder()
			.setAddressesOrError(StatusOr.fromStatus(Status.UNAVAILABLE.withDescription(message).withCause(failure)))
			.build());
	}

	private void found(List<InetSocketAddress> addresses, List<String> problems, boolean publish) {
		if (this.failing) {
			this.failing = false;
			logger.info("Channel '" + this.channel + "' looks up the instances of '" + this.serviceId + "' again");
		}
		if (!problems.equals(this.reportedProblems)) {
			this.reportedProblems = problems;
			problems.forEach((problem) -> logger.warn("Channel '" + this.channel + "' leaves out " + problem));
		}
		boolean changed = !addresses.equals(this.published);
		if (!changed && !publish) {
			return;
		}
		if (changed) {
			if (addresses.isEmpty()) {
				logger.warn("Channel '" + this.channel + "': service '" + this.serviceId + "' has no instance in the "
						+ "DiscoveryClient; calls fail with UNAVAILABLE (wait-for-ready calls wait) until one registers");
			}
			else if (logger.isDebugEnabled()) {
				logger.debug("Channel '" + this.channel + "': instances of '" + this.serviceId + "' are now " + addresses);
			}
		}
		this.published = addresses;
		List<EquivalentAddressGroup> groups = new ArrayList<>(addresses.size());
		for (InetSocketAddress address : addresses) {
			groups.add(new EquivalentAddressGroup(address));
		}
		this.listener.onResult2(ResolutionResult.newBuilder().setAddressesOrError(StatusOr.fromValue(groups)).build());
	}

	@Override
	public void shutdown() {
		if (this.shutdown) {
			return;
		}
		this.shutdown = true;
		if (this.delayedRefresh != null) {
			this.delayedRefresh.cancel();
			this.delayedRefresh = null;
		}
		this.owner.stopped(this);
	}

}
