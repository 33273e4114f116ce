package dev.triplestream.server;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerInterceptor;
import io.grpc.ServerStreamTracer;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;

import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;

/**
 * Builds and starts a {@link TripleServer}'s transports from its {@link ServerConfiguration}: the
 * netty server (unless the port is negative) and the in-process one (when named), each with the
 * customizers, the services, the server-wide interceptors and, outermost, the tracking interceptor
 * and its stream tracer. Tells a port in use from other failures to listen, and publishes the bound
 * port in the environment as {@value TripleServer#LOCAL_PORT_PROPERTY}.
 */
final class ServerTransportFactory {

	private static final String PORTS_PROPERTY_SOURCE = "triple.server.ports";

	private final ServerConfiguration configuration;

	private final Environment environment;

	/** @param environment where to publish the bound port; may be null */
	ServerTransportFactory(ServerConfiguration configuration, Environment environment) {
		this.configuration = configuration;
		this.environment = environment;
	}

	/**
	 * Starts the transports; on failure, stops those already started.
	 * @throws TripleServerPortInUseException when the port is taken
	 * @throws IllegalStateException when a transport cannot start, or there is none to start
	 */
	ServerTransports start(ServerInterceptor tracking, ServerStreamTracer.Factory tracer) {
		ServerConfiguration config = this.configuration;
		Server network = null;
		if (config.hasNetworkListener()) {
			InetSocketAddress socketAddress = (config.address() != null)
					? new InetSocketAddress(config.address(), config.port()) : new InetSocketAddress(config.port());
			network = build(NettyServerBuilder.forAddress(socketAddress, config.credentials()), tracking, tracer);
			try {
				network.start();
			}
			catch (IOException ex) {
				network.shutdownNow();
				if (isInUse(socketAddress, ex)) {
					throw new TripleServerPortInUseException(config.address(), config.port(), ex);
				}
				throw new IllegalStateException("Triple server could not listen on " + socketAddress, ex);
			}
		}
		else if (config.inProcessName() == null) {
			throw new IllegalStateException("Triple server has nothing to serve on: port " + config.port()
					+ " turns the network listener off (triple.server.port) and no in-process name is set"
					+ " (triple.server.in-process-name)");
		}
		Server inProcess = null;
		if (config.inProcessName() != null) {
			inProcess = build(InProcessServerBuilder.forName(config.inProcessName()), tracking, tracer);
			try {
				inProcess.start();
			}
			catch (IOException ex) {
				if (network != null) {
					network.shutdownNow();
				}
				throw new IllegalStateException("Triple server could not serve in-process as '"
						+ config.inProcessName() + "' (triple.server.in-process-name): " + ex.getMessage(), ex);
			}
		}
		if (network != null) {
			publishPort(network.getPort());
		}
		return new ServerTransports(network, inProcess);
	}

	private Server build(ServerBuilder<?> builder, ServerInterceptor tracking, ServerStreamTracer.Factory tracer) {
		ServerConfiguration config = this.configuration;
		for (TripleServerBuilderCustomizer customizer : config.customizers()) {
			customizer.customize(builder);
		}
		config.definitions().values().forEach(builder::addService);
		// The builder runs the interceptor added last first: the first global one must be added last
		// of the globals, and tracking after all of them.
		List<ServerInterceptor> interceptors = config.interceptors();
		for (int i = interceptors.size() - 1; i >= 0; i--) {
			builder.intercept(interceptors.get(i));
		}
		builder.intercept(tracking);
		builder.addStreamTracerFactory(tracer);
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
			ports.put(TripleServer.LOCAL_PORT_PROPERTY, port);
		}
	}

	/** How the started transports are described in the log, such as {@code on port 9090 (plaintext)}. */
	String describe(ServerTransports transports) {
		ServerConfiguration config = this.configuration;
		StringBuilder description = new StringBuilder();
		if (transports.network() != null) {
			description.append("on port ").append(transports.port());
			if (config.address() != null) {
				description.append(" of ").append(config.address().getHostAddress());
			}
			description.append((config.credentials() instanceof InsecureServerCredentials) ? " (plaintext)" : " (TLS)");
		}
		if (transports.inProcess() != null) {
			description.append((transports.network() != null) ? " and " : "")
				.append("in-process as '")
				.append(config.inProcessName())
				.append("'");
		}
		return description.toString();
	}

}
