package dev.triplestream.actuate;

import java.util.UUID;

import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.triplestream.autoconfigure.StreamRegistryAutoConfiguration;
import dev.triplestream.autoconfigure.TripleChannelsAutoConfiguration;
import dev.triplestream.autoconfigure.TripleClientsAutoConfiguration;
import dev.triplestream.autoconfigure.TripleHealthAutoConfiguration;
import dev.triplestream.autoconfigure.TripleMetricsAutoConfiguration;
import dev.triplestream.autoconfigure.TripleServerAutoConfiguration;
import dev.triplestream.autoconfigure.TripleStreamsEndpointAutoConfiguration;
import dev.triplestream.autoconfigure.clients.ClientsPackage;
import dev.triplestream.autoconfigure.clients.EchoClient;
import dev.triplestream.client.BidiStream;
import dev.triplestream.stream.StreamSide;
import dev.triplestream.test.v1.EchoRequest;
import dev.triplestream.test.v1.EchoResponse;
import dev.triplestream.test.v1.EchoServiceGrpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The streams endpoint, the health indicator and the stream metrics, over a real in-process
 * server served by the auto-configured {@code TripleServer}.
 */
class TripleObservabilityTests {

	private final String name = "observability-" + UUID.randomUUID();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(StreamRegistryAutoConfiguration.class,
				TripleChannelsAutoConfiguration.class, TripleClientsAutoConfiguration.class,
				TripleServerAutoConfiguration.class, TripleMetricsAutoConfiguration.class,
				TripleHealthAutoConfiguration.class, TripleStreamsEndpointAutoConfiguration.class,
				MetricsAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
				SimpleMetricsExportAutoConfiguration.class))
		.withUserConfiguration(ClientsPackage.class)
		.withBean(Echo.class, Echo::new)
		.withPropertyValues("triple.server.port=0", "triple.server.in-process-name=" + this.name,
				"triple.client.channels.echo.target=in-process:" + this.name,
				"management.endpoints.web.exposure.include=triplestreams");

	@Test
	void endpointListsOpenStreamsOfBothSides() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(TripleStreamsEndpoint.class);
			TripleStreamsEndpoint endpoint = context.getBean(TripleStreamsEndpoint.class);
			try (BidiStream<EchoRequest, EchoResponse> chat = context.getBean(EchoClient.class).chat()) {
				chat.send(EchoRequest.newBuilder().setText("a").build());
				assertThat(chat.receive().getText()).isEqualTo("a");
				TripleStreamsEndpoint.StreamsDescriptor all = endpoint.streams();
				assertThat(all.client()).isEqualTo(1);
				assertThat(all.server()).isEqualTo(1);
				assertThat(all.streams()).extracting(TripleStreamsEndpoint.StreamDescriptor::method)
					.containsOnly("triplestream.test.v1.EchoService/Chat");
				TripleStreamsEndpoint.StreamDescriptor client = endpoint.streams("client").streams().get(0);
				assertThat(client.side()).isEqualTo(StreamSide.CLIENT);
				assertThat(client.origin()).isEqualTo("echo");
				assertThat(client.type()).isEqualTo("BIDI_STREAMING");
				assertThat(client.messagesSent()).isEqualTo(1);
				assertThat(client.messagesReceived()).isEqualTo(1);
				assertThat(client.openedAt()).isEqualTo("EchoClient.chat()");
				assertThat(endpoint.streams("server").streams()).singleElement()
					.satisfies((server) -> assertThat(server.origin()).isEqualTo("triplestream.test.v1.EchoService"));
			}
			await().until(() -> endpoint.streams().streams().isEmpty());
		});
	}

	@Test
	void metricsCountOpenStreamsAndRecordHowTheyEnded() {
		this.runner.run((context) -> {
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			EchoClient client = context.getBean(EchoClient.class);
			try (BidiStream<EchoRequest, EchoResponse> chat = client.chat()) {
				chat.send(EchoRequest.newBuilder().setText("a").build());
				chat.receive();
				assertThat(meters.get("triple.streams.active").tag("side", "client").gauge().value()).isEqualTo(1);
				assertThat(meters.get("triple.streams.active").tag("side", "server").gauge().value()).isEqualTo(1);
				chat.closeSend();
				assertThat(chat.receive()).isNull();
			}
			try (BidiStream<EchoRequest, EchoResponse> chat = client.chat()) {
				chat.cancel("changed my mind");
			}
			String chat = "triplestream.test.v1.EchoService/Chat";
			await().untilAsserted(() -> {
				assertThat(meters.get("triple.streams.active")
					.tags("side", "client", "channel", "echo", "service", "triplestream.test.v1.EchoService", "method",
							chat)
					.gauge()
					.value()).isZero();
				assertThat(meters.get("triple.streams.active")
					.tags("side", "server", "channel", "none", "method", chat)
					.gauge()
					.value()).isZero();
				assertThat(meters.get("triple.streams.ended")
					.tags("side", "client", "method", chat, "reason", "completed")
					.counter()
					.count()).isEqualTo(1);
				assertThat(meters.get("triple.streams.ended")
					.tags("side", "client", "reason", "cancelled-by-application")
					.counter()
					.count()).isEqualTo(1);
				assertThat(meters.get("triple.streams.duration").tags("side", "server", "reason", "completed").timer().count())
					.isEqualTo(1);
				assertThat(meters.get("triple.streams.duration")
					.tags("side", "server", "reason", "cancelled-by-application")
					.timer()
					.count()).isEqualTo(1);
				assertThat(meters.get("triple.streams.messages")
					.tags("side", "client", "method", chat, "direction", "sent")
					.counter()
					.count()).isEqualTo(1);
			});
			assertThat(meters.find("triple.streams").timer()).as("no hand-written call timer").isNull();
		});
	}

	@Test
	void healthIsUpWithTheServerRunningAndDownOnceItStopped() {
		this.runner.run((context) -> {
			TripleHealthIndicator health = context.getBean(TripleHealthContributor.class).server();
			context.getBean(EchoClient.class).echo(EchoRequest.newBuilder().setText("x").build());
			Health up = health.health(true);
			assertThat(up.getStatus()).isEqualTo(Status.UP);
			assertThat(up.getDetails()).containsKeys("server", "channels", "streams");
			assertThat(up.getDetails().get("channels").toString()).contains("echo=READY");
			assertThat(up.getDetails().get("server").toString()).contains("triplestream.test.v1.EchoService");
			context.getBean(dev.triplestream.server.TripleServer.class).stop();
			assertThat(health.health(true).getStatus()).isEqualTo(Status.DOWN);
		});
	}

	@Test
	void healthIndicatorCanBeDisabled() {
		this.runner.withPropertyValues("management.health.triple.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(TripleHealthContributor.class));
	}

	static final class Echo extends EchoServiceGrpc.EchoServiceImplBase {

		@Override
		public void echo(EchoRequest request, StreamObserver<EchoResponse> responses) {
			responses.onNext(EchoResponse.newBuilder().setText(request.getText()).build());
			responses.onCompleted();
		}

		@Override
		public StreamObserver<EchoRequest> chat(StreamObserver<EchoResponse> responses) {
			return new StreamObserver<>() {

				@Override
				public void onNext(EchoRequest request) {
					responses.onNext(EchoResponse.newBuilder().setText(request.getText()).build());
				}

				@Override
				public void onError(Throwable error) {
				}

				@Override
				public void onCompleted() {
					responses.onCompleted();
				}

			};
		}

	}

}
