package dev.triplestream.actuate;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.jayway.jsonpath.JsonPath;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import dev.triplestream.autoconfigure.clients.ClientsPackage;
import dev.triplestream.autoconfigure.clients.EchoClient;
import dev.triplestream.client.BidiStream;
import dev.triplestream.server.TripleServer;
import dev.triplestream.stream.EndReason;
import dev.triplestream.stream.StreamRegistry;
import dev.triplestream.stream.StreamSide;
import dev.triplestream.stream.TrackedStream;
import dev.triplestream.test.v1.EchoRequest;
import dev.triplestream.test.v1.EchoResponse;
import dev.triplestream.test.v1.EchoServiceGrpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The Actuator side of triplestream over real HTTP (Tomcat, Spring MVC) with a real Triple server:
 * the {@code triplestreams} endpoint listing and cancelling a stream, and the shutdown announced
 * over HTTP and the gRPC health protocol while the server still serves, then drains.
 */
class TripleActuatorHttpTests {

	private static final String CHAT = "triplestream.test.v1.EchoService/Chat";

	private final HttpClient http = HttpClient.newHttpClient();

	private ConfigurableApplicationContext context;

	private ManagedChannel channel;

	@AfterEach
	void close() {
		if (this.channel != null) {
			this.channel.shutdownNow();
		}
		if (this.context != null) {
			this.context.close();
		}
	}

	private ConfigurableApplicationContext start(String... properties) {
		String name = "http-tests-" + UUID.randomUUID();
		this.context = new SpringApplicationBuilder(App.class)
			.properties("server.port=0", "server.shutdown=graceful", "triple.server.port=0",
					"triple.server.address=127.0.0.1", "triple.server.in-process-name=" + name,
					"triple.client.channels.echo.target=in-process:" + name,
					"management.endpoints.web.exposure.include=health,triplestreams",
					"management.endpoint.health.show-details=always", "management.endpoint.health.probes.enabled=true",
					"spring.main.banner-mode=off")
			.properties(properties)
			.run();
		return this.context;
	}

	@Test
	void endpointListsAnOpenStreamAndDeleteEndsItOnBothSides() throws Exception {
		start();
		StreamRegistry registry = this.context.getBean(StreamRegistry.class);
		CompletableFuture<EndReason> serverEnd = new CompletableFuture<>();
		registry.addListener(new StreamRegistry.Listener() {

			@Override
			public void opened(TrackedStream stream) {
			}

			@Override
			public void closed(TrackedStream stream) {
				if (stream.side() == StreamSide.SERVER) {
					serverEnd.complete(stream.endReason());
				}
			}

		});
		BidiStream<EchoRequest, EchoResponse> chat = this.context.getBean(EchoClient.class).chat();
		chat.send(EchoRequest.newBuilder().setText("a").build());
		assertThat(chat.receive().getText()).isEqualTo("a");

		HttpResponse<String> listed = get("/actuator/triplestreams");
		assertThat(listed.statusCode()).isEqualTo(200);
		String body = listed.body();
		assertThat((Integer) JsonPath.read(body, "$.client")).isEqualTo(1);
		assertThat((Integer) JsonPath.read(body, "$.server")).isEqualTo(1);
		List<Map<String, Object>> servers = JsonPath.read(body, "$.streams[?(@.side == 'SERVER')]");
		assertThat(servers).singleElement().satisfies((server) -> {
			assertThat(server).containsEntry("origin", "triplestream.test.v1.EchoService")
				.containsEntry("method", CHAT)
				.containsEntry("messagesSent", 1)
				.containsEntry("messagesReceived", 1)
				.containsEntry("halfClosed", false)
				.containsEntry("drainNoticeGiven", false)
				.containsKeys("id", "peer", "age", "idleFor", "deadlineRemaining");
		});
		Number id = (Number) servers.get(0).get("id");

		HttpResponse<String> deleted = this.http.send(
				HttpRequest.newBuilder(uri("/actuator/triplestreams/" + id)).DELETE().build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(deleted.statusCode()).isEqualTo(200);
		assertThat((Boolean) JsonPath.read(deleted.body(), "$.cancelled")).isTrue();
		assertThat(serverEnd.get(10, TimeUnit.SECONDS)).isEqualTo(EndReason.CANCELLED_BY_OPERATOR);
		assertThatThrownBy(chat::receive).isInstanceOfSatisfying(StatusRuntimeException.class, (ex) -> {
			assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.CANCELLED);
			assertThat(ex.getStatus().getDescription()).isEqualTo(StreamRegistry.CANCELLED_BY_OPERATOR);
		});
		await().untilAsserted(() -> assertThat(JsonPath.<List<?>>read(get("/actuator/triplestreams").body(), "$.streams"))
			.isEmpty());
	}

	@Test
	void deleteIsNotAvailableWhenTheEndpointIsReadOnly() throws Exception {
		start("management.endpoint.triplestreams.access=read-only");
		BidiStream<EchoRequest, EchoResponse> chat = this.context.getBean(EchoClient.class).chat();
		chat.send(EchoRequest.newBuilder().setText("a").build());
		chat.receive();
		long id = this.context.getBean(StreamRegistry.class).streams(StreamSide.SERVER).get(0).id();
		HttpResponse<String> deleted = this.http.send(
				HttpRequest.newBuilder(uri("/actuator/triplestreams/" + id)).DELETE().build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(deleted.statusCode()).isBetween(400, 499);
		assertThat(get("/actuator/triplestreams").statusCode()).isEqualTo(200);
		assertThat(this.context.getBean(StreamRegistry.class).find(id)).isPresent();
		chat.cancel("done");
	}

	@Test
	void shutdownIsAnnouncedWhileServingThenHttpAnswersDuringTheDrain() throws Exception {
		start("triple.server.shutdown.announce-period=4s", "triple.server.shutdown.grace-period=30s");
		int port = this.context.getBean(TripleServer.class).getPort();
		assertThat(get("/actuator/health").statusCode()).isEqualTo(200);
		this.channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
		assertThat(HealthGrpc.newBlockingStub(this.channel).check(HealthCheckRequest.getDefaultInstance()).getStatus())
			.isEqualTo(ServingStatus.SERVING);
		OpenChat open = new OpenChat();
		StreamObserver<EchoRequest> requests = EchoServiceGrpc.newStub(this.channel).chat(open);
		requests.onNext(EchoRequest.newBuilder().setText("open").build());
		await().until(() -> open.received > 0);

		CompletableFuture<Void> closed = CompletableFuture.runAsync(this.context::close);
		// During the announce period: a new connection is told NOT_SERVING, and still served.
		ManagedChannel late = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
		try {
			await().until(() -> HealthGrpc.newBlockingStub(late)
				.check(HealthCheckRequest.newBuilder().setService("triplestream.test.v1.EchoService").build())
				.getStatus() == ServingStatus.NOT_SERVING);
			assertThat(EchoServiceGrpc.newBlockingStub(late).echo(EchoRequest.newBuilder().setText("late").build())
				.getText()).isEqualTo("late");
		}
		finally {
			late.shutdownNow();
		}
		HttpResponse<String> health = get("/actuator/health");
		assertThat(health.statusCode()).isEqualTo(503);
		assertThat((String) JsonPath.read(health.body(), "$.components.triple.status")).isEqualTo("OUT_OF_SERVICE");
		assertThat((Boolean) JsonPath.read(health.body(), "$.components.triple.components.server.details.draining")).isTrue();
		assertThat(get("/actuator/health/readiness").statusCode()).isEqualTo(503);

		// During the drain: the open stream had its notice, and HTTP still answers.
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
				JsonPath.<List<Boolean>>read(get("/actuator/triplestreams/server").body(), "$.streams[*].drainNoticeGiven"))
			.containsExactly(true));
		health = get("/actuator/health");
		assertThat(health.statusCode()).isEqualTo(503);
		assertThat((String) JsonPath.read(health.body(), "$.components.triple.status")).isEqualTo("OUT_OF_SERVICE");
		assertThat(closed).isNotDone();
		requests.onCompleted();
		closed.get(20, TimeUnit.SECONDS);
		assertThat(open.completed).isTrue();
		this.context = null;
	}

	private HttpResponse<String> get(String path) throws Exception {
		return this.http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.context.getEnvironment().getProperty("local.server.port") + path);
	}

	/** The responses of a chat the test keeps open. */
	private static final class OpenChat implements StreamObserver<EchoResponse> {

		volatile int received;

		volatile boolean completed;

		@Override
		public void onNext(EchoResponse value) {
			this.received++;
		}

		@Override
		public void onError(Throwable t) {
		}

		@Override
		public void onCompleted() {
			this.completed = true;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(ClientsPackage.class)
	static class App {

		@Bean
		TripleObservabilityTests.Echo echo() {
			return new TripleObservabilityTests.Echo();
		}

	}

}
