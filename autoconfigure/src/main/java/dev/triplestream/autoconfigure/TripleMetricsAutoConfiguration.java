package dev.triplestream.autoconfigure;

import java.util.function.Predicate;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.grpc.ObservationGrpcClientInterceptor;
import io.micrometer.core.instrument.binder.grpc.ObservationGrpcServerInterceptor;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.triplestream.actuate.BoundedGrpcServerObservationConvention;
import dev.triplestream.actuate.TripleStreamMetrics;
import dev.triplestream.server.TripleServer;
import dev.triplestream.server.TripleServerBuilderCustomizer;
import dev.triplestream.stream.StreamRegistry;

/**
 * Metrics and observations of Triple calls with Micrometer:
 * <ul>
 * <li>the {@link TripleStreamMetrics} lifecycle meters, which Spring Boot binds to every meter
 * registry it configures;</li>
 * <li>Micrometer's own gRPC observations on every channel and on the server, from the context's
 * {@link ObservationRegistry} (so a tracer, when present, traces the calls too), switched by
 * {@code triple.client.observations.enabled} and {@code triple.server.observations.enabled}.</li>
 * </ul>
 */
@AutoConfiguration(after = StreamRegistryAutoConfiguration.class,
		afterName = "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration")
@ConditionalOnClass(MeterRegistry.class)
public class TripleMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	public TripleStreamMetrics tripleStreamMetrics(StreamRegistry registry, ObjectProvider<TripleServer> server) {
		return new TripleStreamMetrics(registry, serverMethods(server));
	}

	/** Whether a method name is one the application's server registered; none without a server. */
	static Predicate<String> serverMethods(ObjectProvider<TripleServer> server) {
		return (method) -> {
			TripleServer current = server.getIfAvailable();
			return current != null && current.getMethodNames().contains(method);
		};
	}

	/** Observations of the calls of every channel. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ ObservationRegistry.class, ObservationGrpcClientInterceptor.class })
	@ConditionalOnBean(ObservationRegistry.class)
	@ConditionalOnBooleanProperty(name = "triple.client.observations.enabled", matchIfMissing = true)
	static class ClientObservationConfiguration {

		@Bean
		TripleChannelBuilderCustomizer tripleClientObservationCustomizer(ObservationRegistry observations) {
			ObservationGrpcClientInterceptor interceptor = new ObservationGrpcClientInterceptor(observations);
			return (name, builder) -> builder.intercept(interceptor);
		}

	}

	/** Observations of the calls the server serves, method tags bounded to its own methods. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ ObservationRegistry.class, ObservationGrpcServerInterceptor.class })
	@ConditionalOnBean(ObservationRegistry.class)
	@ConditionalOnBooleanProperty(name = "triple.server.observations.enabled", matchIfMissing = true)
	static class ServerObservationConfiguration {

		@Bean
		TripleServerBuilderCustomizer tripleServerObservationCustomizer(ObservationRegistry observations,
				ObjectProvider<TripleServer> server) {
			ObservationGrpcServerInterceptor interceptor = new ObservationGrpcServerInterceptor(observations);
			interceptor.setCustomConvention(new BoundedGrpcServerObservationConvention(serverMethods(server)));
			return (builder) -> builder.intercept(interceptor);
		}

	}

}
