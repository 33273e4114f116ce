package dev.triplestream.server;

import java.net.InetAddress;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptor;
import io.grpc.ServerServiceDefinition;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationEventPublisherAware;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.Environment;

import dev.triplestream.client.TimeoutSetting;
import dev.triplestream.stream.LifecyclePhases;
import dev.triplestream.stream.StreamRegistry;
import dev.triplestream.stream.StreamSide;

/**
 * A gRPC server (netty-shaded, plus optionally in-process) for a set of services, started and
 * drained with the application context.
 * <p>
 * Every call passes first through an interceptor that tracks it in the {@link StreamRegistry} as a
 * {@link StreamSide#SERVER} stream; then through the server-wide interceptors, in their order; then
 * through the service's own. A handler reaches its call's {@link ServerStreamContext} with
 * {@link ServerStreamContext#current()}.
 * <p>
 * On {@link #stop()} the server drains (see {@link ServerDrain}): it publishes a
 * {@link DrainingEvent}, refuses new calls (GOAWAY), gives every open call its drain notice (see
 * {@link ServerStreamContext#onDrain}), waits up to the grace period for the calls in flight to
 * end, closes the remaining ones with {@code UNAVAILABLE} ({@value #SHUTDOWN_DESCRIPTION}), which
 * clients may retry elsewhere, then terminates. A drain takes only as long as its slowest call,
 * never longer than the grace period plus a few seconds; handlers that end their call on the notice
 * make it about one round trip. A server drains only its own calls: servers sharing a registry
 * neither wait for nor end each other's.
 * <p>
 * Streaming calls (every type but unary) have lifecycle limits, server-wide, per service, or per
 * method: an idle timeout (no message either way for that long: the call is cancelled, the client
 * sees {@code DEADLINE_EXCEEDED} and the handler its cancellation), a max age (the call gets the
 * drain notice, then after the max-age grace is ended with {@code UNAVAILABLE}, so that long-lived
 * streams spread over a fleet), and a maximum number open at once (more are refused with
 * {@code RESOURCE_EXHAUSTED}; those open are untouched). The timers run on one daemon thread of the
 * server, the drain actions on a few others.
 * <p>
 * Configure with the setters before {@link #start()}: each start runs on an immutable
 * {@link ServerConfiguration} of the settings then. The lifecycle methods are thread-safe.
 */
public class TripleServer implements SmartLifecycle, EnvironmentAware, ApplicationEventPublisherAware {

	/** The environment property holding the bound port once started, like {@code local.server.port}. */
	public static final String LOCAL_PORT_PROPERTY = "local.triple.server.port";

	/** The description of the status that ends the calls still open after the grace period. */
	public static final String SHUTDOWN_DESCRIPTION = "server shutting down";

	/** The default of {@link #setMaxPendingOutbound}: 32 MiB. */
	public static final long DEFAULT_MAX_PENDING_OUTBOUND = 32L * 1024 * 1024;

	private static final Log logger = LogFactory.getLog(TripleServer.class);

	private final Object lifecycleMonitor = new Object();

	private final StreamRegistry registry;

	private final List<TripleServiceBean> services;

	private final Map<String, ServerServiceDefinition> definitions;

	/** The limits of each service's {@link TripleServiceBean}, by service name. */
	private final Map<String, ServerStreamLimits> serviceLimits;

	private InetAddress address;

	private int port = 9090;

	private ServerCredentials credentials = InsecureServerCredentials.create();

	private String inProcessName;

	private Duration gracePeriod = Duration.ofSeconds(30);

	private List<ServerInterceptor> interceptors = List.of();

	private List<TripleServerBuilderCustomizer> customizers = List.of();

	private ServerStreamLimits streamLimits = new ServerStreamLimits(
			TimeoutSetting.none("triple.server.streams.idle-timeout"), TimeoutSetting.none("triple.server.streams.max-age"));

	private Map<String, ServerStreamLimits> streamLimitOverrides = Map.of();

	private Duration maxAgeGrace = Duration.ofSeconds(5);

	private int maxConcurrentStreams;

	private long maxPendingOutbound = DEFAULT_MAX_PENDING_OUTBOUND;

	private Environment environment;

	private ApplicationEventPublisher eventPublisher;

	/** The current run, null while stopped; changed under {@link #lifecycleMonitor}. */
	private volatile ServerRun run;

	/**
	 * A server for {@code services}, which it tracks in {@code registry}.
	 * @throws IllegalStateException when two of the services have the same service name
	 */
	public TripleServer(StreamRegistry registry, List<TripleServiceBean> services) {
		this.registry = registry;
		this.services = List.copyOf(services);
		this.definitions = ServerConfiguration.bind(this.services);
		this.serviceLimits = ServerConfiguration.serviceLimits(this.services);
	}

	/** The address to listen on; null (the default) for every interface. */
	public void setAddress(InetAddress address) {
		this.address = address;
	}

	/** The port to listen on; 0 for any free port. Defaults to 9090. */
	public void setPort(int port) {
		this.port = port;
	}

	/** The network server's credentials: TLS, or plaintext (the default). */
	public void setCredentials(ServerCredentials credentials) {
		this.credentials = credentials;
	}

	/** When set, the services are also served in-process under this name. */
	public void setInProcessName(String inProcessName) {
		this.inProcessName = inProcessName;
	}

	/** How long {@link #stop()} waits for calls in flight to end by themselves. Defaults to 30s. */
	public void setGracePeriod(Duration gracePeriod) {
		this.gracePeriod = gracePeriod;
	}

	/** The server-wide interceptors; the first sees a call first (after tracking). */
	public void setInterceptors(List<ServerInterceptor> interceptors) {
		this.interceptors = List.copyOf(interceptors);
	}

	/**
	 * The server-wide limits of streaming calls. A limit left null here means no limit. Defaults to
	 * none.
	 */
	public void setStreamLimits(ServerStreamLimits streamLimits) {
		this.streamLimits = streamLimits;
	}

	/**
	 * Limits of one service's or one method's streaming calls, by full service name or full method
	 * name ({@code package.Service/Method}), over the server-wide ones and those of the service's
	 * {@link TripleServiceBean}. For each limit, the most specific setting applies: method, service,
	 * service bean, server-wide.
	 */
	public void setStreamLimitOverrides(Map<String, ServerStreamLimits> streamLimitOverrides) {
		this.streamLimitOverrides = Map.copyOf(streamLimitOverrides);
	}

	/**
	 * How long a stream that reached its max age has, after its drain notice, to end before it is
	 * ended with {@code UNAVAILABLE}. Defaults to 5s.
	 */
	public void setMaxAgeGrace(Duration maxAgeGrace) {
		this.maxAgeGrace = maxAgeGrace;
	}

	/**
	 * How many streaming calls (every type but unary) the server keeps open at once, over all its
	 * transports; more are refused with {@code RESOURCE_EXHAUSTED}. 0 (the default) for no limit.
	 */
	public void setMaxConcurrentStreams(int maxConcurrentStreams) {
		this.maxConcurrentStreams = maxConcurrentStreams;
	}

	/**
	 * How many bytes a call's client may leave unread (sent by its handler while the call was not
	 * ready, since it last was) before the call is ended with {@code RESOURCE_EXHAUSTED}: a bound on
	 * what a handler that ignores {@code isReady()} makes the server buffer for a client that does not
	 * read. Counted on the network transport only. 0 for no limit; defaults to 32 MiB.
	 */
	public void setMaxPendingOutbound(long maxPendingOutbound) {
		this.maxPendingOutbound = maxPendingOutbound;
	}

	/** Customisers applied in order to each builder. */
	public void setCustomizers(List<TripleServerBuilderCustomizer> customizers) {
		this.customizers = List.copyOf(customizers);
	}

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	/** Where the server publishes its {@link DrainingEvent}; none when not set. */
	@Override
	public void setApplicationEventPublisher(ApplicationEventPublisher eventPublisher) {
		this.eventPublisher = eventPublisher;
	}

	/** The services, in the order they were given. */
	public List<TripleServiceBean> getServices() {
		return this.services;
	}

	/** The port the network server listens on; -1 when it is not running. */
	public int getPort() {
		ServerRun current = this.run;
		return (current != null) ? current.port() : -1;
	}

	/**
	 * The full names of the methods the server registered: while running, those of every service
	 * its transports serve (builder customizers' included); else those of its service beans. A
	 * method served only by a fallback handler registry is not among them.
	 */
	public Set<String> getMethodNames() {
		ServerRun current = this.run;
		if (current != null) {
			return current.methodNames();
		}
		Set<String> names = new LinkedHashSet<>();
		this.definitions.values()
			.forEach((definition) -> definition.getMethods()
				.forEach((method) -> names.add(method.getMethodDescriptor().getFullMethodName())));
		return names;
	}

	/** The in-process name the services are also served under, or null. */
	public String getInProcessName() {
		return this.inProcessName;
	}

	public Duration getGracePeriod() {
		return this.gracePeriod;
	}

	public ServerStreamLimits getStreamLimits() {
		return this.streamLimits;
	}

	public Map<String, ServerStreamLimits> getStreamLimitOverrides() {
		return this.streamLimitOverrides;
	}

	public Duration getMaxAgeGrace() {
		return this.maxAgeGrace;
	}

	public int getMaxConcurrentStreams() {
		return this.maxConcurrentStreams;
	}

	public long getMaxPendingOutbound() {
		return this.maxPendingOutbound;
	}

	/**
	 * Starts the network server (and the in-process one), and publishes the bound port as
	 * {@value #LOCAL_PORT_PROPERTY}. A server without services does not start.
	 * @throws TripleServerPortInUseException when the port is taken
	 * @throws IllegalStateException when a stream limit override names neither a service nor a
	 * method of this server
	 */
	@Override
	public void start() {
		synchronized (this.lifecycleMonitor) {
			if (this.run != null) {
				return;
			}
			if (this.definitions.isEmpty()) {
				logger.info("Triple server not started: no service to serve");
				return;
			}
			this.run = ServerRun.start(configuration(), this.registry, this.environment);
			logger.info("Triple server started " + this.run);
		}
	}

	/** The settings of a run, as they are now. */
	private ServerConfiguration configuration() {
		Map<String, ServerStreamLimits> limits = ServerConfiguration.resolveLimits(this.definitions, this.serviceLimits,
				this.streamLimits, this.streamLimitOverrides);
		return new ServerConfiguration(this.definitions, this.address, this.port, this.credentials, this.inProcessName,
				this.gracePeriod, this.interceptors, this.customizers, limits,
				ServerConfiguration.noLimits(this.streamLimits), this.maxAgeGrace, this.maxConcurrentStreams,
				this.maxPendingOutbound);
	}

	/**
	 * Drains and terminates the server: see the class description. Blocks for at most the grace
	 * period plus a few seconds.
	 */
	@Override
	public void stop() {
		synchronized (this.lifecycleMonitor) {
			ServerRun current = this.run;
			if (current == null) {
				return;
			}
			try {
				current.drain(this, this.eventPublisher);
			}
			finally {
				this.run = null;
			}
		}
	}

	/** Whether the server is serving or draining; does not wait for a drain in progress. */
	@Override
	public boolean isRunning() {
		return this.run != null;
	}

	@Override
	public int getPhase() {
		return LifecyclePhases.SERVER;
	}

}
