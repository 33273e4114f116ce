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
import java.util.concurrent.TimeUnit;

import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.EnvironmentAware;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;

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
 * through the service's own. On {@link #stop()} the server drains: it refuses new calls (GOAWAY),
 * waits up to the grace period for the calls in flight to end, closes the remaining ones with
 * {@code UNAVAILABLE} ({@value #SHUTDOWN_DESCRIPTION}), which clients may retry elsewhere, then
 * terminates. A drain takes only as long as its slowest call, never longer than the grace period
 * plus a few seconds. (The drain waits on the registry's server side as a whole: servers that share
 * a registry wait for each other's calls.)
 * <p>
 * Configure with the setters before {@link #start()}; the lifecycle methods are thread-safe.
 */
public class TripleServer implements SmartLifecycle, EnvironmentAware {

	/** The environment property holding the bound port once started, like {@code local.server.port}. */
	public static final String LOCAL_PORT_PROPERTY = "local.triple.server.port";

	/** The description of the status that ends the calls still open after the grace period. */
	public static final String SHUTDOWN_DESCRIPTION = "server shutting down";

	private static final String PORTS_PROPERTY_SOURCE = "triple.server.ports";

	/** How long termination may take once the remaining calls have been closed. */
	private static final Duration TERMINATION_TIMEOUT = Duration.ofSeconds(5);

	private static final Log logger = LogFactory.getLog(TripleServer.class);

	private final Object lifecycleMonitor = new Object();

	private final StreamRegistry registry;

	private final List<TripleServiceBean> services;

	private final Map<String, ServerServiceDefinition> definitions;

	private InetAddress address;

	private int port = 9090;

	private ServerCredentials credentials = InsecureServerCredentials.create();

	private String inProcessName;

	private Duration gracePeriod = Duration.ofSeconds(30);

	private List<ServerInterceptor> interceptors = List.of();

	private List<TripleServerBuilderCustomizer> customizers = List.of();

	private Environment environment;

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

	/** Customisers applied in order to each builder. */
	public void setCustomizers(List<TripleServerBuilderCustomizer> customizers) {
		this.customizers = List.copyOf(customizers);
	}

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
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

	/**
	 * Starts the network server (and the in-process one), and publishes the bound port as
	 * {@value #LOCAL_PORT_PROPERTY}. A server without services does not start.
	 * @throws TripleServerPortInUseException when the port is taken
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
			InetSocketAddress socketAddress = (this.address != null) ? new InetSocketAddress(this.address, this.port)
					: new InetSocketAddress(this.port);
			Server network = build(NettyServerBuilder.forAddress(socketAddress, this.credentials));
			try {
				network.start();
			}
			catch (IOException ex) {
				network.shutdownNow();
				if (isInUse(socketAddress, ex)) {
					throw new TripleServerPortInUseException(this.address, this.port, ex);
				}
				throw new IllegalStateException("Triple server could not listen on " + socketAddress, ex);
			}
			Server inProcess = null;
			if (this.inProcessName != null) {
				inProcess = build(InProcessServerBuilder.forName(this.inProcessName));
				try {
					inProcess.start();
				}
				catch (IOException ex) {
					network.shutdownNow();
					throw new IllegalStateException("Triple server could not serve in-process as '" + this.inProcessName
							+ "' (triple.server.in-process-name): " + ex.getMessage(), ex);
				}
			}
			this.server = network;
			this.inProcessServer = inProcess;
			this.boundPort = network.getPort();
			this.running = true;
			this.stopped = new CountDownLatch(1);
			keepJvmAlive(this.stopped);
			publishPort(this.boundPort);
			logger.info("Triple server started on port " + this.boundPort
					+ ((this.address != null) ? " of " + this.address.getHostAddress() : "")
					+ ((this.credentials instanceof InsecureServerCredentials) ? " (plaintext)" : " (TLS)")
					+ ((inProcess != null) ? " and in-process as '" + this.inProcessName + "'" : "") + ", serving "
					+ String.join(", ", this.definitions.keySet()));
		}
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
		builder.intercept(new TrackingServerInterceptor(this.registry));
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
				this.server = null;
				this.inProcessServer = null;
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
		servers.forEach(Server::shutdown);
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
			stream.cancel(Status.UNAVAILABLE.withDescription(SHUTDOWN_DESCRIPTION));
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
