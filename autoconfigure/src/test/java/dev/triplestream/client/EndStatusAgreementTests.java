package dev.triplestream.client;

import java.io.IOException;
import java.time.Duration;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.triplestream.stream.EndReason;
import dev.triplestream.stream.StreamRegistry;
import dev.triplestream.stream.StreamSide;
import dev.triplestream.stream.TrackedStream;
import dev.triplestream.test.v1.EchoRequest;
import dev.triplestream.test.v1.EchoResponse;
import dev.triplestream.test.v1.EchoServiceGrpc;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The application is told of the end that was recorded: when this side ends a stream (a cancel,
 * an operator, a timer, the drain) while the peer's own end is already on its way, the end reason
 * is this side's, and so is the status the application observes, whatever grpc delivers next.
 * Found by the randomized lifecycle test (an operator's cancel racing a deadline, an application's
 * cancel racing a handler's failure).
 */
class EndStatusAgreementTests {

	private final String name = "agreement-" + UUID.randomUUID();

	/** The channel's callbacks, held back until the test runs them. */
	private final Queue<Runnable> callbacks = new ConcurrentLinkedQueue<>();

	private final StreamRegistry registry = new StreamRegistry();

	private final ClientStreams streams = new ClientStreams(this.registry, Duration.ofSeconds(5),
			LeakDetection.DISABLED);

	private Server server;

	private ManagedChannel channel;

	@AfterEach
	void close() throws InterruptedException {
		this.channel.shutdownNow();
		this.server.shutdownNow();
		this.channel.awaitTermination(5, TimeUnit.SECONDS);
		this.server.awaitTermination(5, TimeUnit.SECONDS);
		this.streams.close();
	}

	@Test
	void aCancelThatWinsOverAFailureOnItsWayIsWhatTheApplicationIsToldOf() throws Exception {
		ChatClient client = start();
		RecordingObserver<EchoResponse> responses = new RecordingObserver<>();
		RequestObserver<EchoRequest> requests = (RequestObserver<EchoRequest>) client.chatAsync(responses);
		// The handler failed the call while it started; its status waits in the channel's executor.
		assertThat(this.callbacks).isNotEmpty();
		TrackedStream stream = this.registry.streams(StreamSide.CLIENT).get(0);

		requests.cancel("the application gave up", null);
		runCallbacks();

		assertThat(stream.endReason()).isEqualTo(EndReason.CANCELLED_BY_APPLICATION);
		Status told = responses.awaitStatus();
		assertThat(told.getCode()).isEqualTo(Status.Code.CANCELLED);
		assertThat(told.getDescription()).isEqualTo("the application gave up");
	}

	@Test
	void anOperatorsCancelThatWinsOverAFailureOnItsWayIsWhatTheApplicationIsToldOf() throws Exception {
		ChatClient client = start();
		RecordingObserver<EchoResponse> responses = new RecordingObserver<>();
		client.chatAsync(responses);
		assertThat(this.callbacks).isNotEmpty();
		TrackedStream stream = this.registry.streams(StreamSide.CLIENT).get(0);

		assertThat(this.registry.cancel(stream.id())).isTrue();
		runCallbacks();

		assertThat(stream.endReason()).isEqualTo(EndReason.CANCELLED_BY_OPERATOR);
		Status told = responses.awaitStatus();
		assertThat(told.getCode()).isEqualTo(Status.Code.CANCELLED);
		assertThat(told.getDescription()).isEqualTo(StreamRegistry.CANCELLED_BY_OPERATOR);
	}

	/** A server whose chat handler fails every call as it starts, and a channel whose callbacks wait. */
	private ChatClient start() throws IOException {
		this.server = InProcessServerBuilder.forName(this.name)
			.directExecutor()
			.addService(new EchoServiceGrpc.EchoServiceImplBase() {

				@Override
				public StreamObserver<EchoRequest> chat(StreamObserver<EchoResponse> responses) {
					responses.onError(Status.FAILED_PRECONDITION.withDescription("not now").asException());
					return new StreamObserver<>() {

						@Override
						public void onNext(EchoRequest request) {
						}

						@Override
						public void onError(Throwable t) {
						}

						@Override
						public void onCompleted() {
						}

					};
				}

			})
			.build()
			.start();
		StreamSettings settings = new StreamSettings(TimeoutSetting.none("deadline"),
				TimeoutSetting.none("stream-deadline"), TimeoutSetting.none("idle-timeout"),
				TimeoutSetting.none("close-timeout"));
		this.channel = InProcessChannelBuilder.forName(this.name)
			.executor(this.callbacks::add)
			.intercept(this.streams.interceptor("chat", "in-process:" + this.name, settings))
			.build();
		return new TripleClientFactory((any) -> this.channel, this.streams).create(ChatClient.class);
	}

	private void runCallbacks() {
		Runnable callback;
		while ((callback = this.callbacks.poll()) != null) {
			callback.run();
		}
	}

}
