package dev.triplestream.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.grpc.BindableService;
import io.grpc.MethodDescriptor;
import io.grpc.ServerInterceptor;
import io.grpc.ServiceDescriptor;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;

import org.springframework.beans.BeanUtils;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.triplestream.client.TimeoutSetting;
import dev.triplestream.server.GrpcHealthService;
import dev.triplestream.server.ServerStreamLimits;
import dev.triplestream.server.ShutdownAnnouncement;
import dev.triplestream.server.TripleServer;
import dev.triplestream.server.TripleServerBuilderCustomizer;
import dev.triplestream.server.TripleService;
import dev.triplestream.server.TripleServiceBean;
import dev.triplestream.stream.StreamRegistry;

/**
 * A {@link TripleServer} for the application's service beans, configured by
 * {@link TripleServerProperties}. Every {@link ServerInterceptor} bean is applied server-wide in
 * order, except those a {@link TripleService @TripleService} names for itself; every
 * {@link TripleServerBuilderCustomizer} bean is applied in order. Stream limits come from
 * {@code triple.server.streams.*}, each service's {@code @TripleService} and the per-service or
 * per-method properties, the most specific winning.
 */
@AutoConfiguration(after = { StreamRegistryAutoConfiguration.class, SslAutoConfiguration.class })
@ConditionalOnClass({ BindableService.class, NettyServerBuilder.class })
@ConditionalOnBean(BindableService.class)
@ConditionalOnBooleanProperty(name = "triple.server.enabled", matchIfMissing = true)
@EnableConfigurationProperties(TripleServerProperties.class)
public class TripleServerAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	public TripleServer tripleServer(TripleServerProperties properties, StreamRegistry registry,
			ListableBeanFactory beanFactory, ObjectProvider<ServerInterceptor> interceptors,
			ObjectProvider<TripleServerBuilderCustomizer> customizers, ObjectProvider<SslBundles> sslBundles) {
		TripleServerPropertiesCustomizer propertiesCustomizer = new TripleServerPropertiesCustomizer(properties);
		Set<ServerInterceptor> ownInterceptors = Collections.newSetFromMap(new IdentityHashMap<>());
		List<TripleServiceBean> services = services(beanFactory, properties.isRegisterAllBindableServices(),
				ownInterceptors);
		TripleServer server = new TripleServer(registry, services);
		server.setAddress(properties.getAddress());
		server.setPort(properties.getPort());
		server.setInProcessName(properties.getInProcessName());
		server.setGracePeriod(properties.getShutdown().getGracePeriod());
		TripleServerProperties.Streams streams = properties.getStreams();
		server.setStreamLimits(new ServerStreamLimits(
				limit(streams.getIdleTimeout(), "triple.server.streams.idle-timeout", true),
				limit(streams.getMaxAge(), "triple.server.streams.max-age", true)));
		server.setStreamLimitOverrides(overrides(streams, services));
		server.setMaxAgeGrace(streams.getMaxAgeGrace());
		server.setMaxConcurrentStreams((streams.getMaxConcurrent() != null) ? streams.getMaxConcurrent() : 0);
		server.setMaxPendingOutbound(streams.getMaxPendingOutbound().toBytes());
		server.setCredentials(TripleServerSslCredentials.of(properties.getSsl(), sslBundles.getIfAvailable()));
		server.setInterceptors(interceptors.orderedStream().filter((interceptor) -> !ownInterceptors.contains(interceptor))
				.toList());
		List<TripleServerBuilderCustomizer> allCustomizers = new ArrayList<>();
		allCustomizers.add(propertiesCustomizer);
		customizers.orderedStream().forEach(allCustomizers::add);
		server.setCustomizers(allCustomizers);
		return server;
	}

	@Bean
	@ConditionalOnMissingBean
	public ShutdownAnnouncement tripleShutdownAnnouncement(TripleServerProperties properties) {
		Duration announce = properties.getShutdown().getAnnouncePeriod();
		if (announce == null) {
			// Not set: none, unless a registry is configured (its clients need time to see the server leave).
			announce = (properties.getRegistry().getAddress() != null) ? Duration.ofSeconds(2) : Duration.ZERO;
		}
		else if (announce.isNegative()) {
			throw new InvalidConfigurationPropertyValueException("triple.server.shutdown.announce-period", announce,
					"The announce period must be zero or positive");
		}
		return new ShutdownAnnouncement(announce);
	}

	/** The gRPC health protocol, served by the Triple server. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HealthStatusManager.class)
	@ConditionalOnBooleanProperty(name = "triple.server.health.enabled", matchIfMissing = true)
	static class GrpcHealthConfiguration {

		@Bean
		@ConditionalOnMissingBean
		GrpcHealthService tripleGrpcHealthService(ObjectProvider<TripleServer> server) {
			return new GrpcHealthService(() -> server.getObject()
				.getServices()
				.stream()
				.map((service) -> service.service().bindService().getServiceDescriptor().getName())
				.toList());
		}

	}

	/** Server reflection ({@code grpc.reflection.v1}), so that {@code grpcurl list} works. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(ProtoReflectionServiceV1.class)
	@ConditionalOnBooleanProperty(name = "triple.server.reflection.enabled")
	static class ReflectionConfiguration {

		@Bean
		TripleServerBuilderCustomizer tripleServerReflection() {
			BindableService reflection = ProtoReflectionServiceV1.newInstance();
			return (builder) -> builder.addService(reflection);
		}

	}

	/**
	 * A limit as configured: null for inherited (unless {@code always}), no limit for zero, else the
	 * duration.
	 */
	private static TimeoutSetting limit(Duration duration, String source, boolean always) {
		if (duration == null) {
			return always ? TimeoutSetting.none(source) : null;
		}
		return duration.isZero() ? TimeoutSetting.none(source) : new TimeoutSetting(duration, source);
	}

	/**
	 * The per-service and per-method limits of {@code triple.server.streams.services}, each key
	 * checked against the services served.
	 */
	private static Map<String, ServerStreamLimits> overrides(TripleServerProperties.Streams streams,
			List<TripleServiceBean> services) {
		if (streams.getServices().isEmpty()) {
			return Map.of();
		}
		Set<String> names = new LinkedHashSet<>();
		for (TripleServiceBean service : services) {
			ServiceDescriptor descriptor = service.service().bindService().getServiceDescriptor();
			names.add(descriptor.getName());
			for (MethodDescriptor<?, ?> method : descriptor.getMethods()) {
				names.add(method.getFullMethodName());
			}
		}
		Map<String, ServerStreamLimits> overrides = new LinkedHashMap<>();
		streams.getServices().forEach((name, limits) -> {
			String property = "triple.server.streams.services[" + name + "]";
			if (!names.contains(name)) {
				throw new InvalidConfigurationPropertyValueException(property, name,
						"Not a service or method this server serves: name one of " + names);
			}
			overrides.put(name, new ServerStreamLimits(limit(limits.getIdleTimeout(), property + ".idle-timeout", false),
					limit(limits.getMaxAge(), property + ".max-age", false)));
		});
		return overrides;
	}

	/** The limits a {@code @TripleService} sets; what it leaves empty is inherited. */
	private static ServerStreamLimits limits(String beanName, TripleService annotation) {
		return new ServerStreamLimits(limit(beanName, "idleTimeout", annotation.idleTimeout()),
				limit(beanName, "maxAge", annotation.maxAge()));
	}

	private static TimeoutSetting limit(String beanName, String attribute, String value) {
		if (value.isEmpty()) {
			return null;
		}
		String source = "@TripleService(" + attribute + ") on bean '" + beanName + "'";
		Duration duration;
		try {
			duration = DurationStyle.detectAndParse(value);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException(
					source + " is \"" + value + "\", which is not a duration (such as \"30s\", or \"0\" for no limit)", ex);
		}
		if (duration.isNegative()) {
			throw new IllegalStateException(
					source + " is \"" + value + "\", which is negative: make it positive, or \"0\" for no limit");
		}
		return limit(duration, source, false);
	}

	/**
	 * The services to serve, in bean registration order; collects into {@code ownInterceptors} the
	 * interceptor beans that services name for themselves.
	 */
	private static List<TripleServiceBean> services(ListableBeanFactory beanFactory, boolean all,
			Set<ServerInterceptor> ownInterceptors) {
		for (String name : beanFactory.getBeanNamesForAnnotation(TripleService.class)) {
			if (!beanFactory.isTypeMatch(name, BindableService.class)) {
				throw new IllegalStateException("Bean '" + name + "' is annotated with @TripleService but is not a "
						+ "BindableService: extend the service's generated *ImplBase");
			}
		}
		List<TripleServiceBean> services = new ArrayList<>();
		for (String name : beanFactory.getBeanNamesForType(BindableService.class)) {
			TripleService annotation = beanFactory.findAnnotationOnBean(name, TripleService.class);
			if (annotation == null && !all) {
				continue;
			}
			List<ServerInterceptor> interceptors = new ArrayList<>();
			ServerStreamLimits limits = ServerStreamLimits.INHERIT;
			if (annotation != null) {
				limits = limits(name, annotation);
				for (Class<? extends ServerInterceptor> type : annotation.interceptors()) {
					ServerInterceptor bean = beanFactory.getBeanProvider(type).getIfAvailable();
					if (bean != null) {
						ownInterceptors.add(bean);
						interceptors.add(bean);
					}
					else {
						interceptors.add(BeanUtils.instantiateClass(type));
					}
				}
			}
			services.add(new TripleServiceBean(name, beanFactory.getBean(name, BindableService.class), interceptors,
					limits));
		}
		return services;
	}

}
