package dev.triplestream.autoconfigure;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.LazyInitializationBeanFactoryPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import dev.triplestream.autoconfigure.clients.ClientsPackage;
import dev.triplestream.autoconfigure.clients.EchoClient;
import dev.triplestream.autoconfigure.elsewhere.BadShapeClient;
import dev.triplestream.autoconfigure.elsewhere.UnknownChannelClient;
import dev.triplestream.client.BidiStream;
import dev.triplestream.client.EnableTripleClients;
import dev.triplestream.client.TripleChannels;
import dev.triplestream.client.TripleClientFactory;
import dev.triplestream.stream.StreamRegistry;
import dev.triplestream.stream.StreamSide;
import dev.triplestream.test.v1.EchoRequest;
import dev.triplestream.test.v1.EchoResponse;
import dev.triplestream.test.v1.EchoServiceGrpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@code @TripleClient} beans in a Spring context: discovery, start-up errors, and the drain of
 * open streams when the context closes, against a real in-process server.
 */
class TripleClientsAutoConfigurationTests {

	private static final Logger logger = LoggerFactory.getLogger(TripleClientsAutoConfigurationTests.class);

	private final String serverName = "clients-" + UUID.randomUUID();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(StreamRegistryAutoConfiguration.class,
				TripleChannelsAutoConfiguration.class, TripleClientsAutoConfiguration.class))
		.withPropertyValues("triple.client.channels.echo.target=in-process:" + this.serverName,
				"triple.client.channels.other.target=localhost:1");

	private final ChatService service = new ChatService();

	private Server server;

	@BeforeEach
	void startServer() throws IOException {
		this.server = InProcessServerBuilder.forName(this.serverName).addService(this.service).build().start();
	}

	@AfterEach
	void stopServer() {
		this.server.shutdownNow();
	}

	@Test
	void clientInterfacesInTheApplicationPackagesBecomeBeans() {
		this.runner.withUserConfiguration(ClientsPackage.class).run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(EchoClient.class).hasSingleBean(TripleClientFactory.class);
			EchoClient client = context.getBean(EchoClient.class);
			assertThat(client.echo(EchoRequest.newBuilder().setText("hi").build()).getText()).isEqualTo("hi");
			try (BidiStream<EchoRequest, EchoResponse> chat = client.chat()) {
				chat.send(EchoRequest.newBuilder().setText("one").setSeq(1).build());
				chat.closeSend();
				assertThat(chat.receive().getText()).isEqualTo("one");
				assertThat(chat.receive()).isNull();
				assertThat(chat.status().isOk()).isTrue();
			}
		});
	}

	@Test
	void enableTripleClientsRegistersNamedClients() {
		this.runner.withUserConfiguration(ExplicitClients.class)
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(EchoClient.class));
	}

	@Test
	void withoutAnnotationOrApplicationPackagesNoClientIsDefined() {
		this.runner.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(EchoClient.class));
	}

	@Test
	void unknownChannelFailsStartUpListingTheKnownChannelsEvenWhenBeansAreLazy() {
		this.runner.withUserConfiguration(UnknownChannel.class)
			.withBean(LazyInitializationBeanFactoryPostProcessor.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasMessageContaining(UnknownChannelClient.class.getName())
				.hasMessageContaining("'nope'")
				.hasMessageContaining("known channels: echo, other"));
	}

	@Test
	void unsupportedMethodShapeFailsStartUp() {
		this.runner.withUserConfiguration(BadShape.class)
			.withBean(LazyInitializationBeanFactoryPostProcessor.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasMessageContaining(BadShapeClient.class.getName())
				.hasMessageContaining("Method echo")
				.hasMessageContaining("Supported shapes"));
	}

	@Test
	void contextCloseDrainsCooperativeStreamsAndCancelsStubbornOnes() {
		int streams = 200;
		Duration grace = Duration.ofSeconds(2);
		this.runner.withUserConfiguration(ClientsPackage.class)
			.withPropertyValues("triple.client.shutdown.grace-period=" + grace.toMillis() + "ms")
			.run((context) -> {
				EchoClient client = context.getBean(EchoClient.class);
				StreamRegistry registry = context.getBean(StreamRegistry.class);
				List<BidiStream<EchoRequest, EchoResponse>> open = new ArrayList<>();
				for (int i = 0; i < streams; i++) {
					BidiStream<EchoRequest, EchoResponse> stream = client.chat();
					stream.send(EchoRequest.newBuilder().setText((i % 2 == 0) ? "cooperative" : "stubborn").build());
					assertThat(stream.receive().getText()).isIn("cooperative", "stubborn");
					open.add(stream);
				}
				assertThat(registry.count(StreamSide.CLIENT)).isEqualTo(streams);
				// Threads blocked in receive() on a few streams of each kind must all be released.
				List<Object> outcomes = new CopyOnWriteArrayList<>();
				List<Thread> receivers = new ArrayList<>();
				for (int i = 0; i < 20; i++) {
					BidiStream<EchoRequest, EchoResponse> stream = open.get(i);
					Thread receiver = new Thread(() -> {
						try {
							outcomes.add(String.valueOf(stream.receive()));
						}
						catch (StatusRuntimeException ex) {
							outcomes.add(ex.getStatus());
						}
					});
					receiver.start();
					receivers.add(receiver);
				}
				ManagedChannel channel = context.getBean(TripleChannels.class).get("echo");

				long started = System.nanoTime();
				context.close();
				long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
				logger.info("Context close with {} open streams (half stubborn, grace {}): {} ms", streams, grace,
						millis);

				assertThat(millis).isLessThan(grace.toMillis() + 8_000);
				assertThat(registry.count(StreamSide.CLIENT)).isZero();
				assertThat(channel.isShutdown()).isTrue();
				for (int i = 0; i < streams; i++) {
					BidiStream<EchoRequest, EchoResponse> stream = open.get(i);
					assertThat(stream.isDone()).isTrue();
					if (i % 2 == 0) {
						assertThat(stream.status().getCode()).as("cooperative stream %d", i).isEqualTo(Status.Code.OK);
					}
					else {
						assertThat(stream.status().getCode()).as("stubborn stream %d", i)
							.isEqualTo(Status.Code.CANCELLED);
						assertThat(stream.status().getDescription()).contains("application context is shutting down");
					}
				}
				await().atMost(Duration.ofSeconds(10)).until(() -> receivers.stream().noneMatch(Thread::isAlive));
				assertThat(outcomes).hasSize(20);
				assertThat(this.service.halfClosed.get()).isEqualTo(streams);
				assertThat(this.service.cancelled.get()).isEqualTo(streams / 2);
			});
	}

	@Test
	void cooperativeStreamsDoNotMakeShutdownWaitForTheGracePeriod() {
		Duration grace = Duration.ofSeconds(30);
		this.runner.withUserConfiguration(ClientsPackage.class)
			.withPropertyValues("triple.client.shutdown.grace-period=30s")
			.run((context) -> {
				EchoClient client = context.getBean(EchoClient.class);
				List<BidiStream<EchoRequest, EchoResponse>> open = new ArrayList<>();
				for (int i = 0; i < 100; i++) {
					BidiStream<EchoRequest, EchoResponse> stream = client.chat();
					stream.send(EchoRequest.newBuilder().setText("cooperative").build());
					open.add(stream);
				}
				long started = System.nanoTime();
				context.close();
				long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
				logger.info("Context close with 100 cooperative streams (grace {}): {} ms", grace, millis);
				assertThat(millis).isLessThan(grace.toMillis() / 3);
				assertThat(open).allSatisfy((stream) -> assertThat(stream.status().isOk()).isTrue());
			});
	}

	@Test
	void callsMadeDuringShutdownFailFast() {
		this.runner.withUserConfiguration(ClientsPackage.class).run((context) -> {
			EchoClient client = context.getBean(EchoClient.class);
			context.getBean(dev.triplestream.client.ClientStreams.class).drain();
			assertThatThrownBy(() -> client.echo(EchoRequest.newBuilder().setText("late").build()))
				.isInstanceOfSatisfying(StatusRuntimeException.class, (ex) -> {
					assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
					assertThat(ex.getStatus().getDescription()).isEqualTo("application context is shutting down");
				});
		});
	}

	@Configuration(proxyBeanMethods = false)
	@EnableTripleClients(clients = EchoClient.class)
	static class ExplicitClients {

	}

	@Configuration(proxyBeanMethods = false)
	@EnableTripleClients(clients = UnknownChannelClient.class)
	static class UnknownChannel {

	}

	@Configuration(proxyBeanMethods = false)
	@EnableTripleClients(clients = BadShapeClient.class)
	static class BadShape {

	}

	/**
	 * Echoes every message. A stream whose first message is {@code stubborn} ignores the
	 * half-close; any other completes on it.
	 */
	static final class ChatService extends EchoServiceGrpc.EchoServiceImplBase {

		final AtomicInteger halfClosed = new AtomicInteger();

		final AtomicInteger cancelled = new AtomicInteger();


		@Override
		public void echo(EchoRequest request, StreamObserver<EchoResponse> responses) {
			responses.onNext(EchoResponse.newBuilder().setText(request.getText()).build());
			responses.onCompleted();
		}

		@Override
		public StreamObserver<EchoRequest> chat(StreamObserver<EchoResponse> responses) {
			ServerCallStreamObserver<EchoResponse> call = (ServerCallStreamObserver<EchoResponse>) responses;
			call.setOnCancelHandler(this.cancelled::incrementAndGet);
			return new StreamObserver<>() {

				private boolean stubborn;

				@Override
				public void onNext(EchoRequest request) {
					this.stubborn |= request.getText().equals("stubborn");
					responses.onNext(EchoResponse.newBuilder().setText(request.getText()).build());
				}

				@Override
				public void onError(Throwable error) {
				}

				@Override
				public void onCompleted() {
					ChatService.this.halfClosed.incrementAndGet();
					if (!this.stubborn) {
						responses.onCompleted();
					}
				}

			};
		}

	}

}
