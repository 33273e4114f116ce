package dev.triplestream.server;

import java.util.LinkedHashSet;
import java.util.Set;

import io.grpc.Server;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.core.env.Environment;

import dev.triplestream.stream.StreamRegistry;

/**
 * One run of a {@link TripleServer}, from its start to the end of its stop: the configuration it
 * started with, its threads, its tracking interceptor (which knows its calls) and its transports.
 */
final class ServerRun {

	private final ServerConfiguration configuration;

	private final StreamRegistry registry;

	private final ServerThreads threads;

	private final TrackingServerInterceptor tracking;

	private final ServerTransports transports;

	private final String description;

	private final Set<String> methodNames;

	private ServerRun(ServerConfiguration configuration, StreamRegistry registry, ServerThreads threads,
			TrackingServerInterceptor tracking, ServerTransports transports, String description) {
		this.configuration = configuration;
		this.registry = registry;
		this.threads = threads;
		this.tracking = tracking;
		this.transports = transports;
		this.description = description;
		this.methodNames = methodNames(transports);
	}

	private static Set<String> methodNames(ServerTransports transports) {
		Set<String> names = new LinkedHashSet<>();
		for (Server server : new Server[] { transports.network(), transports.inProcess() }) {
			if (server != null) {
				server.getServices()
					.forEach((service) -> service.getMethods()
						.forEach((method) -> names.add(method.getMethodDescriptor().getFullMethodName())));
			}
		}
		return Set.copyOf(names);
	}

	/** The full names of the methods the transports serve, fallback registries aside. */
	Set<String> methodNames() {
		return this.methodNames;
	}

	/**
	 * Starts the threads and the transports of a run; on failure, stops what started.
	 * @param environment where to publish the bound port; may be null
	 * @throws TripleServerPortInUseException when the port is taken
	 * @throws IllegalStateException when a transport cannot start, or there is none to start
	 */
	static ServerRun start(ServerConfiguration configuration, StreamRegistry registry, Environment environment) {
		ServerThreads threads = new ServerThreads();
		try {
			TrackingServerInterceptor tracking = new TrackingServerInterceptor(registry, configuration.limits(),
					configuration.noLimits(), configuration.maxAgeGrace(), configuration.maxConcurrentStreams(),
					configuration.maxPendingOutbound(), threads.timer(), threads.drainActions());
			ServerTransportFactory factory = new ServerTransportFactory(configuration, environment);
			ServerTransports transports = factory.start(tracking, CallEndTracer.FACTORY);
			String description = factory.describe(transports) + ", serving "
					+ String.join(", ", configuration.definitions().keySet());
			return new ServerRun(configuration, registry, threads, tracking, transports, description);
		}
		catch (RuntimeException | Error ex) {
			threads.stop();
			throw ex;
		}
	}

	/** The port the network server listens on; -1 without one. */
	int port() {
		return this.transports.port();
	}

	/**
	 * Drains the run's calls and stops it (see {@link ServerDrain}).
	 * @param eventPublisher where to publish the {@link DrainingEvent}; may be null
	 */
	void drain(TripleServer server, ApplicationEventPublisher eventPublisher) {
		try {
			new ServerDrain(server, eventPublisher, this.registry, this.configuration.gracePeriod())
				.drain(this.transports, this.tracking);
		}
		finally {
			this.threads.stop();
		}
	}

	@Override
	public String toString() {
		return this.description;
	}

}
