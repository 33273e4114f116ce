package dev.triplestream.server;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.grpc.MethodDescriptor;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;

import dev.triplestream.client.TimeoutSetting;

/**
 * What a {@link TripleServer} was configured with when it started, with each streaming method's
 * limits resolved: immutable, so that the transports, the tracking interceptor and the drain of one
 * run all see the same settings, whatever the setters do meanwhile.
 *
 * @param definitions the services, bound and with their own interceptors, by service name
 * @param address the address to listen on; null for every interface
 * @param port the port to listen on; 0 for any free port, negative for no network listener
 * @param credentials the network listener's credentials
 * @param inProcessName the in-process name, or null for none
 * @param gracePeriod how long the drain waits for calls in flight
 * @param interceptors the server-wide interceptors, the first seeing a call first
 * @param customizers applied in order to each builder
 * @param limits the limits of each streaming method, by full method name
 * @param noLimits the limits of unary calls: none, naming the server-wide properties
 * @param maxAgeGrace how long a stream past its max age has to end after its notice
 * @param maxConcurrentStreams how many streaming calls may be open at once; 0 for no limit
 * @param maxPendingOutbound how many bytes a call's client may leave unread before the call is ended;
 * 0 for no limit
 */
record ServerConfiguration(Map<String, ServerServiceDefinition> definitions, InetAddress address, int port,
		ServerCredentials credentials, String inProcessName, Duration gracePeriod,
		List<ServerInterceptor> interceptors, List<TripleServerBuilderCustomizer> customizers,
		Map<String, ServerStreamLimits> limits, ServerStreamLimits noLimits, Duration maxAgeGrace,
		int maxConcurrentStreams, long maxPendingOutbound) {

	ServerConfiguration {
		definitions = Collections.unmodifiableMap(new LinkedHashMap<>(definitions));
		interceptors = List.copyOf(interceptors);
		customizers = List.copyOf(customizers);
		limits = Map.copyOf(limits);
	}

	/**
	 * Each service's definition, with its own interceptors, by service name, in the order given.
	 * @throws IllegalStateException when two of the services have the same service name
	 */
	static Map<String, ServerServiceDefinition> bind(List<TripleServiceBean> services) {
		Map<String, ServerServiceDefinition> definitions = new LinkedHashMap<>();
		Map<String, String> beanNames = new HashMap<>();
		for (TripleServiceBean service : services) {
			ServerServiceDefinition definition = service.service().bindService();
			String name = definition.getServiceDescriptor().getName();
			String other = beanNames.putIfAbsent(name, service.beanName());
			if (other != null) {
				throw new DuplicateServiceException(name, other, service.beanName());
			}
			definitions.put(name, ServerInterceptors.interceptForward(definition, service.interceptors()));
		}
		return definitions;
	}

	/** The limits of each service's {@link TripleServiceBean}, by service name. */
	static Map<String, ServerStreamLimits> serviceLimits(List<TripleServiceBean> services) {
		Map<String, ServerStreamLimits> limits = new HashMap<>();
		for (TripleServiceBean service : services) {
			limits.put(service.service().bindService().getServiceDescriptor().getName(), service.limits());
		}
		return limits;
	}

	/** Whether a network listener is configured (a negative port turns it off). */
	boolean hasNetworkListener() {
		return this.port >= 0;
	}

	/**
	 * The limits of each streaming method of {@code definitions}: for each limit, the method's
	 * override, else its service's, else its service bean's, else the server-wide one (in which a
	 * null limit is none).
	 * @param serviceLimits the limits of each service's {@link TripleServiceBean}, by service name
	 * @param overrides the limits of services and methods, by full service or method name
	 * @throws IllegalStateException when an override names neither a service nor a method of
	 * {@code definitions}, or a limit is not positive
	 */
	static Map<String, ServerStreamLimits> resolveLimits(Map<String, ServerServiceDefinition> definitions,
			Map<String, ServerStreamLimits> serviceLimits, ServerStreamLimits serverWide,
			Map<String, ServerStreamLimits> overrides) {
		Map<String, ServerStreamLimits> unused = new HashMap<>(overrides);
		ServerStreamLimits resolvedServerWide = serverWide.orElse(noLimits(serverWide));
		Map<String, ServerStreamLimits> limits = new HashMap<>();
		for (ServerServiceDefinition definition : definitions.values()) {
			String service = definition.getServiceDescriptor().getName();
			ServerStreamLimits forService = orInherit(unused.remove(service))
				.orElse(serviceLimits.getOrDefault(service, ServerStreamLimits.INHERIT))
				.orElse(resolvedServerWide);
			for (ServerMethodDefinition<?, ?> method : definition.getMethods()) {
				MethodDescriptor<?, ?> descriptor = method.getMethodDescriptor();
				String name = descriptor.getFullMethodName();
				ServerStreamLimits forMethod = orInherit(unused.remove(name)).orElse(forService);
				if (descriptor.getType() != MethodDescriptor.MethodType.UNARY) {
					limits.put(name, forMethod);
				}
			}
		}
		for (ServerStreamLimits resolved : limits.values()) {
			checkPositive(resolved.idleTimeout());
			checkPositive(resolved.maxAge());
		}
		if (!unused.isEmpty()) {
			throw new IllegalStateException("Stream limits are set for " + unused.keySet()
					+ ", which this server does not serve: name a service it serves (" + definitions.keySet()
					+ ") or one of their methods (package.Service/Method)");
		}
		return limits;
	}

	/** No limit, naming where the server-wide limits are set. */
	static ServerStreamLimits noLimits(ServerStreamLimits serverWide) {
		String idle = (serverWide.idleTimeout() != null) ? serverWide.idleTimeout().source()
				: "triple.server.streams.idle-timeout";
		String maxAge = (serverWide.maxAge() != null) ? serverWide.maxAge().source() : "triple.server.streams.max-age";
		return new ServerStreamLimits(TimeoutSetting.none(idle), TimeoutSetting.none(maxAge));
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

}
