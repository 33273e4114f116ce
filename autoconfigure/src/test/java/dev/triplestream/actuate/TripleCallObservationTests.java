package dev.triplestream.actuate;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import io.grpc.CallOptions;
import io.grpc.HandlerRegistry;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.triplestream.autoconfigure.StreamRegistryAutoConfiguration;
import dev.triplestream.autoconfigure.TripleChannelsAutoConfiguration;
import dev.triplestream.autoconfigure.TripleClientsAutoConfiguration;
import dev.triplestream.autoconfigure.TripleMetricsAutoConfiguration;
import dev.triplestream.autoconfigure.TripleServerAutoConfiguration;
import dev.triplestream.autoconfigure.clients.ClientsPackage;
import dev.triplestream.autoconfigure.clients.EchoClient;
import dev.triplestream.server.TripleServerBuilderCustomizer;
import dev.triplestream.test.v1.EchoRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Micrometer's gRPC observations on both sides, switched by properties, and the tag values of every
 * meter bounded to the methods the server registered, over a real in-process server.
 */
class TripleCallObservationTests {

	private final String name = "observations-" + UUID.randomUUID();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(StreamRegistryAutoConfiguration.class,
				TripleChannelsAutoConfiguration.class, TripleClientsAutoConfiguration.class,
				TripleServerAutoConfiguration.class, TripleMetricsAutoConfiguration.class,
				ObservationAutoConfiguration.class, MetricsAutoConfiguration.class,
				CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class))
		.withUserConfiguration(ClientsPackage.class)
		.withBean(TripleObservabilityTests.Echo.class, TripleObservabilityTests.Echo::new)
		.withPropertyValues("triple.server.port=-1", "triple.server.in-process-name=" + this.name,
				"triple.client.channels.echo.target=in-process:" + this.name);

	@Test
	void callsAreObservedOnBothSides() {
		this.runner.run((context) -> {
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			context.getBean(EchoClient.class).echo(EchoRequest.newBuilder().setText("x").build());
			await().untilAsserted(() -> {
				assertThat(meters.get("grpc.client")
					.tag("rpc.service", "triplestream.test.v1.EchoService")
					.timer()
					.count()).isEqualTo(1);
				assertThat(meters.get("grpc.server")
					.tags("rpc.service", "triplestream.test.v1.EchoService", "rpc.method", "Echo")
					.timer()
					.count()).isEqualTo(1);
			});
		});
	}

	@Test
	void observationsCanBeTurnedOffOnEachSide() {
		this.runner.withPropertyValues("triple.client.observations.enabled=false",
				"triple.server.observations.enabled=false").run((context) -> {
					MeterRegistry meters = context.getBean(MeterRegistry.class);
					context.getBean(EchoClient.class).echo(EchoRequest.newBuilder().setText("x").build());
					await().until(() -> meters.find("triple.streams.ended").counters().size() == 2);
					assertThat(meters.find("grpc.client").meters()).isEmpty();
					assertThat(meters.find("grpc.server").meters()).isEmpty();
				});
	}

	@Test
	void methodsTheServerDidNotRegisterAreNotTagValues() {
		this.runner.withBean(TripleServerBuilderCustomizer.class,
				() -> (builder) -> builder.fallbackHandlerRegistry(new AnyMethod())).run((context) -> {
					MeterRegistry meters = context.getBean(MeterRegistry.class);
					ManagedChannel channel = InProcessChannelBuilder.forName(this.name).build();
					try {
						for (String method : new String[] { "made.Up/One", "made.Up/Two" }) {
							ClientCalls.blockingUnaryCall(channel, bytes(method), CallOptions.DEFAULT, new byte[0]);
						}
					}
					finally {
						channel.shutdownNow();
					}
					await().untilAsserted(() -> {
						assertThat(meters.get("triple.streams.ended")
							.tags("side", "server", "method", "unknown", "reason", "completed")
							.counter()
							.count()).isEqualTo(2);
						assertThat(meters.get("grpc.server").tags("rpc.method", "unknown").timer().count()).isEqualTo(2);
					});
					Set<String> values = new TreeSet<>();
					for (Meter meter : meters.getMeters()) {
						meter.getId().getTags().forEach((tag) -> values.add(tag.getValue()));
					}
					assertThat(values).noneMatch((value) -> value.contains("made.Up") || value.equals("One")
							|| value.equals("Two"));
				});
	}

	static MethodDescriptor<byte[], byte[]> bytes(String fullMethodName) {
		return MethodDescriptor.<byte[], byte[]>newBuilder()
			.setType(MethodDescriptor.MethodType.UNARY)
			.setFullMethodName(fullMethodName)
			.setRequestMarshaller(Bytes.INSTANCE)
			.setResponseMarshaller(Bytes.INSTANCE)
			.build();
	}

	/** Serves any method a peer names: what a proxy's fallback registry does. */
	static final class AnyMethod extends HandlerRegistry {

		@Override
		public ServerMethodDefinition<?, ?> lookupMethod(String methodName, String authority) {
			return ServerMethodDefinition.create(bytes(methodName), ServerCalls.asyncUnaryCall((request, responses) -> {
				responses.onNext(new byte[0]);
				responses.onCompleted();
			}));
		}

	}

	private enum Bytes implements MethodDescriptor.Marshaller<byte[]> {

		INSTANCE;

		@Override
		public InputStream stream(byte[] value) {
			return new ByteArrayInputStream(value);
		}

		@Override
		public byte[] parse(InputStream stream) {
			try {
				return stream.readAllBytes();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

	}

}
