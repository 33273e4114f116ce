package dev.triplestream.server;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.grpc.InsecureServerCredentials;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationEventPublisherAware;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;

import dev.triplestream.client.TimeoutSetting;
import dev.triplestream.stream.LifecyclePhases;
import dev.triplestream.stream.StreamRegistry;
import dev.triplestream.stream.StreamSide;
import dev.triplestream.stream.TrackedStream;

/**
 * A gRPC server (netty-shaded, plus optionally in-process) for a set of services, started and
 * drained with the application context.
 * <p>
 * Every call passes first through an interceptor that tracks it in the {@link StreamRegistry} as a
 * {@link StreamSide#SERVER} stream; then through the server-wide interceptors, in their order; then
 * through the service's own. A handler reaches its call's {@link ServerStreamContext} with
 * {@link ServerStreamContext#current()}.
 * <p>
 * On {@link #stop()} the server drains: it publishes a {@link DrainingEvent}, refuses new calls
 * (GOAWAY), gives every open call its drain notice (see {@link ServerStreamContext#onDrain}), waits
 * up to the grace period for the calls in flight to end, closes the remaining ones with
 * {@code UNAVAILABLE} ({@value #SHUTDOWN_DESCRIPTION}), which clients may retry elsewhere, then
 * terminates. A drain takes only as long as its slowest call, never longer than the grace period
 * plus a few seconds; handlers that end their call on the notice make it about one round trip.
 * (The drain waits on the registry's server side as a whole: servers that share a registry wait for
 * each other's calls.)
 * <p>
 * Streaming calls (every type but unary) have lifecycle limits, server-wide, per service, or per
 * method: an idle timeout (no message either way for that long: the call is cancelled, the client
 * sees {@code DEADLINE_EXCEEDED} and the handler its cancellation), a max age (the call gets the
 * drain notice, then after the max-age grace is ended with {@code UNAVAILABLE}, so that long-lived
 * streams spread over a fleet), and a maximum number open at once (more are refused with
 * {@code RESOURCE_EXHAUSTED}; those open are untouched). The timers run on one daemon thread of the
 * server, the drain actions on a few others.
 * <p>
 * Configure with the setters before {@link #start()}; the lifecycle methods are thread-safe.
 */
public class TripleServer implements SmartLifecycle, EnvironmentAware, ApplicationEventPublisherAware {

	/** The environment property holding the bound port once started, like {@code local.server.port}. */
	public static final String LOCAL_PORT_PROPERTY = "local.triple.server.port";

	/** The description of the status that ends the calls still open after the grace period. */
	public static final String SHUTDOWN_DESCRIPTION = "server shutting down";

	private static final String PORTS_PROPERTY_SOURCE = "triple.server.ports";

	/** How many threads run drain actions at most. */
	private static final int DRAIN_THREADS = 4;

	/** How long termination may take once the remaining calls have been closed. */
	private static final Duration TERMINATION_TIMEOUT = Duration.ofSeconds(5);

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

	private Environment environment;

	private ApplicationEventPublisher eventPublisher;

	/** Guarded by {@link #lifecycleMonitor}, like the timer and the drain executor. */
	private TrackingServerInterceptor tracking;

	private ScheduledThreadPoolExecutor timer;

	private ThreadPoolExecutor drainExecutor;

	/** Guarded by {@link #lifecycleMonitor}, like {@link #inProcessServer}. */
	private Server server;

	private volatile boolean running;

	/** Counted down when the running server stops; guarded by {@link #lifecycleMonitor}. */
	private CountDownLatch stopped;

	private Server inProcessServer;

	private volatile int boundPort = -1;

	/**
	 * A server for {@code services}, which it tracks in {@code registry}.
	 * @throws IllegalStateException when two of the services have the same service name
	 */
	public TripleServer(StreamRegistry registry, List<TripleServiceBean> services) {
		this.registry = registry;
		this.services = List.copyOf(services);
		this.definitions = bind(this.services);
		Map<String, ServerStreamLimits> limits = new HashMap<>();
		for (TripleServiceBean service : this.services) {
			limits.put(service.service().bindService().getServiceDescriptor().getName(), service.limits());
		}
		this.serviceLimits = limits;
	}

	private static Map<String, ServerServiceDefinition> bind(List<TripleServiceBean> services) {
		Map<String, ServerServiceDefinition> definitions = new LinkedHashMap<>();
		Map<String, String> beanNames = new HashMap<>();
		for (TripleServiceBean service : services) {
			ServerServiceDefinition definition = service.service().bindService();
			String name = definition.getServiceDescriptor().getName();
			String other = beanNames.putIfAbsent(name, service.beanName());
			if (other != null) {
				throw new IllegalStateException("Service '" + name + "' is implemented by two beans, '" + other
						+ "' and '" + service.beanName() + "': a server serves each service once, so remove one "
						+ "of them or exclude it from the server");
			}
			definitions.put(name, ServerInterceptors.interceptForward(definition, service.interceptors()));
		}
		return definitions;
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
		return this.boundPort;
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
			if (this.server != null) {
				return;
			}
			if (this.definitions.isEmpty()) {
				logger.info("Triple server not started: no service to serve");
				return;
			}
			Map<String, ServerStreamLimits> limits = resolveLimits();
			startExecutors();
			this.tracking = new TrackingServerInterceptor(this.registry, limits, noLimits(), this.maxAgeGrace,
					this.maxConcurrentStreams, this.timer, this.drainExecutor);
			Server network = null;
			if (this.port >= 0) {
				InetSocketAddress socketAddress = (this.address != null) ? new InetSocketAddress(this.address, this.port)
						: new InetSocketAddress(this.port);
				network = build(NettyServerBuilder.forAddress(socketAddress, this.credentials));
				try {
					network.start();
				}
				catch (IOException ex) {
					network.shutdownNow();
					stopExecutors();
					if (isInUse(socketAddress, ex)) {
						throw new TripleServerPortInUseException(this.address, this.port, ex);
					}
					throw new IllegalStateException("Triple server could not listen on " + socketAddress, ex);
				}
			}
			else if (this.inProcessName == null) {
				stopExecutors();
				throw new IllegalStateException("Triple server has nothing to serve on: port " + this.port
						+ " turns the network listener off (triple.server.port) and no in-process name is set"
						+ " (triple.server.in-process-name)");
			}
			Server inProcess = null;
			if (this.inProcessName != null) {
				inProcess = build(InProcessServerBuilder.forName(this.inProcessName));
				try {
					inProcess.start();
				}
				catch (IOException ex) {
					if (network != null) {
						network.shutdownNow();
					}
					stopExecutors();
					throw new IllegalStateException("Triple server could not serve in-process as '" + this.inProcessName
							+ "' (triple.server.in-process-name): " + ex.getMessage(), ex);
				}
			}
			// The first server is the one whose presence means "running"; the drain handles both.
			this.server = (network != null) ? network : inProcess;
			this.inProcessServer = (network != null) ? inProcess : null;
			this.boundPort = (network != null) ? network.getPort() : -1;
			this.running = true;
			this.stopped = new CountDownLatch(1);
			keepJvmAlive(this.stopped);
			if (network != null) {
				publishPort(this.boundPort);
			}
			logger.info("Triple server started "
					+ ((network != null) ? "on port " + this.boundPort
							+ ((this.address != null) ? " of " + this.address.getHostAddress() : "")
							+ ((this.credentials instanceof InsecureServerCredentials) ? " (plaintext)" : " (TLS)") : "")
					+ ((inProcess != null) ? ((network != null) ? " and " : "") + "in-process as '" + this.inProcessName + "'"
							: "")
					+ ", serving "
					+ String.join(", ", this.definitions.keySet()));
		}
	}

	/**
	 * The limits of each streaming method: for each limit, the method's override, else its
	 * service's, else its service bean's, else the server-wide one (which is always set).
	 */
	private Map<String, ServerStreamLimits> resolveLimits() {
		Map<String, ServerStreamLimits> overrides = new HashMap<>(this.streamLimitOverrides);
		ServerStreamLimits serverWide = this.streamLimits.orElse(noLimits());
		Map<String, ServerStreamLimits> limits = new HashMap<>();
		for (ServerServiceDefinition definition : this.definitions.values()) {
			String service = definition.getServiceDescriptor().getName();
			ServerStreamLimits serviceLimits = orInherit(overrides.remove(service))
				.orElse(this.serviceLimits.getOrDefault(service, ServerStreamLimits.INHERIT))
				.orElse(serverWide);
			for (ServerMethodDefinition<?, ?> method : definition.getMethods()) {
				MethodDescriptor<?, ?> descriptor = method.getMethodDescriptor();
				String name = descriptor.getFullMethodName();
				ServerStreamLimits methodLimits = orInherit(overrides.remove(name)).orElse(serviceLimits);
				if (descriptor.getType() != MethodDescriptor.MethodType.UNARY) {
					limits.put(name, methodLimits);
				}
			}
		}
		for (ServerStreamLimits resolved : limits.values()) {
			checkPositive(resolved.idleTimeout());
			checkPositive(resolved.maxAge());
		}
		if (!overrides.isEmpty()) {
			throw new IllegalStateException("Stream limits are set for " + overrides.keySet()
					+ ", which this server does not serve: name a service it serves (" + this.definitions.keySet()
					+ ") or one of their methods (package.Service/Method)");
		}
		return limits;
	}

	private static void checkPositive(TimeoutSetting setting) {
		if (setting.isSet() && (setting.value().isNegative() || setting.value().isZero())) {
			throw new IllegalStateException(
					"Stream limit " + setting.describe() + " must be positive (or not set, for no limit)");
		}
	}

	private static ServerStreamLimits orInherit(ServerStreamLimits limits) {
		return (limits != null) ? limits : ServerStreamLimits.INHERIT;
	}

	private ServerStreamLimits noLimits() {
		String idle = (this.streamLimits.idleTimeout() != null) ? this.streamLimits.idleTimeout().source()
				: "triple.server.streams.idle-timeout";
		String maxAge = (this.streamLimits.maxAge() != null) ? this.streamLimits.maxAge().source()
				: "triple.server.streams.max-age";
		return new ServerStreamLimits(TimeoutSetting.none(idle), TimeoutSetting.none(maxAge));
	}

	private void startExecutors() {
		this.timer = new ScheduledThreadPoolExecutor(1, daemonThreads("triple-server-timer"));
		this.timer.setRemoveOnCancelPolicy(true);
		this.drainExecutor = new ThreadPoolExecutor(DRAIN_THREADS, DRAIN_THREADS, 10, TimeUnit.SECONDS,
				new LinkedBlockingQueue<>(), daemonThreads("triple-server-drain"));
		this.drainExecutor.allowCoreThreadTimeOut(true);
	}

	/** Stops the timer now, and lets the drain actions already submitted run. */
	private void stopExecutors() {
		this.timer.shutdownNow();
		this.drainExecutor.shutdown();
	}

	private static ThreadFactory daemonThreads(String name) {
		AtomicInteger count = new AtomicInteger();
		return (task) -> {
			Thread thread = new Thread(task, name + "-" + count.incrementAndGet());
			thread.setDaemon(true);
			thread.setContextClassLoader(TripleServer.class.getClassLoader());
			return thread;
		};
	}

	/**
	 * gRPC's threads are daemons: without a web server, nothing else keeps the JVM up once
	 * {@code main} returns. Like Boot's web servers, hold it up with a thread that ends when the
	 * server is stopped.
	 */
	private static void keepJvmAlive(CountDownLatch stopped) {
		Thread awaiter = new Thread(() -> {
			try {
				stopped.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}, "triple-server-await");
		awaiter.setContextClassLoader(TripleServer.class.getClassLoader());
		awaiter.setDaemon(false);
		awaiter.start();
	}

	private Server build(ServerBuilder<?> builder) {
		for (TripleServerBuilderCustomizer customizer : this.customizers) {
			customizer.customize(builder);
		}
		this.definitions.values().forEach(builder::addService);
		// The builder runs the interceptor added last first: the first global one must be added last
		// of the globals, and tracking after all of them.
		for (int i = this.interceptors.size() - 1; i >= 0; i--) {
			builder.intercept(this.interceptors.get(i));
		}
		builder.intercept(this.tracking);
		return builder.build();
	}

	/**
	 * Whether the server failed to start because its port is taken. The native (epoll) transport
	 * reports that without a {@link BindException}: when none is in the causes, try the port.
	 */
	private static boolean isInUse(InetSocketAddress address, IOException failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof BindException) {
				return true;
			}
		}
		if (address.getPort() == 0) {
			return false;
		}
		try (ServerSocket probe = new ServerSocket()) {
			probe.bind(address);
			return false;
		}
		catch (BindException ex) {
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private void publishPort(int port) {
		if (this.environment instanceof ConfigurableEnvironment configurable) {
			MutablePropertySources sources = configurable.getPropertySources();
			PropertySource<?> source = sources.get(PORTS_PROPERTY_SOURCE);
			if (source == null) {
				source = new MapPropertySource(PORTS_PROPERTY_SOURCE, new HashMap<>());
				sources.addFirst(source);
			}
			@SuppressWarnings("unchecked")
			Map<String, Object> ports = (Map<String, Object>) source.getSource();
			ports.put(LOCAL_PORT_PROPERTY, port);
		}
	}

	/**
	 * Drains and terminates the server: see the class description. Blocks for at most the grace
	 * period plus a few seconds.
	 */
	@Override
	public void stop() {
		synchronized (this.lifecycleMonitor) {
			if (this.server == null) {
				return;
			}
			try {
				drain();
			}
			finally {
				stopExecutors();
				this.server = null;
				this.inProcessServer = null;
				this.tracking = null;
				this.boundPort = -1;
				this.running = false;
				this.stopped.countDown();
			}
		}
	}

	private void drain() {
		long started = System.nanoTime();
		List<Server> servers = new ArrayList<>(2);
		servers.add(this.server);
		if (this.inProcessServer != null) {
			servers.add(this.inProcessServer);
		}
		int inFlight = this.registry.count(StreamSide.SERVER);
		publishDraining(this.tracking.calls().size());
		servers.forEach(Server::shutdown);
		this.tracking.drain();
		boolean interrupted = false;
		try {
			if (this.registry.awaitEmpty(StreamSide.SERVER, this.gracePeriod)) {
				// Calls are done; let their transports finish sending (bounded by what is left of the grace).
				Duration left = this.gracePeriod.minusNanos(System.nanoTime() - started);
				awaitTermination(servers, left.isNegative() ? Duration.ZERO : left);
			}
		}
		catch (InterruptedException ex) {
			interrupted = true;
		}
		int ended = 0;
		for (TrackedStream stream : this.registry.streams(StreamSide.SERVER)) {
			try {
				stream.cancel(Status.UNAVAILABLE.withDescription(SHUTDOWN_DESCRIPTION));
			}
			catch (RuntimeException ex) {
				// One call's failure must not keep the others open.
				logger.warn("Triple server drain: could not end " + stream + "; ending the others", ex);
			}
			ended++;
		}
		try {
			if (!interrupted && !awaitTermination(servers, TERMINATION_TIMEOUT)) {
				servers.forEach(Server::shutdownNow);
				awaitTermination(servers, TERMINATION_TIMEOUT);
			}
		}
		catch (InterruptedException ex) {
			interrupted = true;
		}
		if (interrupted) {
			servers.forEach(Server::shutdownNow);
			Thread.currentThread().interrupt();
		}
		long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
		logger.info("Triple server stopped in " + tookMillis + " ms: " + Math.max(inFlight - ended, 0)
				+ " call(s) drained, " + ended + " ended (grace period " + this.gracePeriod.toMillis() + " ms)"
				+ (interrupted ? ", interrupted" : ""));
	}

	private void publishDraining(int openCalls) {
		if (this.eventPublisher == null) {
			return;
		}
		try {
			this.eventPublisher.publishEvent(new DrainingEvent(this, this.gracePeriod, openCalls));
		}
		catch (RuntimeException ex) {
			logger.warn("A listener of the Triple server's DrainingEvent failed; draining anyway", ex);
		}
	}

	private static boolean awaitTermination(List<Server> servers, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		for (Server server : servers) {
			long left = Math.max(deadline - System.nanoTime(), 0);
			if (!server.awaitTermination(left, TimeUnit.NANOSECONDS)) {
				return false;
			}
		}
		return true;
	}

	/** Whether the server is serving or draining; does not wait for a drain in progress. */
	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return LifecyclePhases.SERVER;
	}

}
