package dev.triplestream.client;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.triplestream.stream.StreamRegistry;
import dev.triplestream.stream.TrackedStream;
import dev.triplestream.test.v1.EchoRequest;
import dev.triplestream.test.v1.EchoResponse;
import dev.triplestream.test.v1.EchoServiceGrpc;

import static dev.triplestream.client.ChatClient.request;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * No lock is held while grpc or the application runs: a callback that the transport runs inside an
 * operation on the call (the in-process transport with a direct executor does) may wait for another
 * thread acting on the same call, without deadlock.
 */
class CallSerializationTests {

	private final StreamRegistry registry = new StreamRegistry();

	private final ClientStreams streams = new ClientStreams(this.registry, Duration.ofSeconds(1), LeakDetection.SIMPLE);

	private final String name = "serialization-" + UUID.randomUUID();

	private Server server;

	private ManagedChannel channel;

	@AfterEach
	void close() throws InterruptedException {
		if (this.channel != null) {
			this.channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
		}
		if (this.server != null) {
			this.server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
		}
		this.streams.close();
	}

	private ChatClient client(StreamSettings settings) throws Exception {
		this.server = InProcessServerBuilder.forName(this.name)
			.directExecutor()
			.addService(new EchoServiceGrpc.EchoServiceImplBase() {

				@Override
				public StreamObserver<EchoRequest> chat(StreamObserver<EchoResponse> responses) {
					return new BidiStreamLifecycleTests.ServerObserver() {
					};
				}

			})
			.build()
			.start();
		this.channel = InProcessChannelBuilder.forName(this.name)
			.directExecutor()
			.intercept(this.streams.interceptor("chat", "in-process:" + this.name, settings))
			.build();
		this.streams.resume();
		return new TripleClientFactory((channel) -> this.channel, this.streams).create(ChatClient.class);
	}

	private static StreamSettings settings(Duration idleTimeout) {
		return new StreamSettings(TimeoutSetting.none("deadline"), TimeoutSetting.none("stream-deadline"),
				new TimeoutSetting(idleTimeout, "idle-timeout"), new TimeoutSetting(Duration.ofSeconds(1), "close-timeout"));
	}

	@Test
	void aRefusedCallsErrorCallbackMayWaitForAnotherThreadCancellingTheCall() throws Exception {
		ChatClient client = client(settings(null));
		this.streams.drain();
		AtomicReference<TrackedStream> opened = new AtomicReference<>();
		this.registry.addListener(new StreamRegistry.Listener() {

			@Override
			public void opened(TrackedStream stream) {
				opened.set(stream);
			}

			@Override
			public void closed(TrackedStream stream) {
			}

		});
		CompletableFuture<Boolean> otherThreadFinished = new CompletableFuture<>();
		client.chatAsync(new RecordingObserverWithError(() -> {
			Thread other = new Thread(() -> ((ClientCall<?, ?>) opened.get()).cancel("from another thread", null));
			other.start();
			other.join(TimeUnit.SECONDS.toMillis(5));
			otherThreadFinished.complete(!other.isAlive());
		}));
		assertThat(otherThreadFinished.get(20, TimeUnit.SECONDS)).as("the other thread's cancel returned").isTrue();
	}

	@Test
	void anErrorCallbackRunByTheIdleTimerMayWaitForAnotherThreadSendingOnTheCall() throws Exception {
		ChatClient client = client(settings(Duration.ofMillis(200)));
		AtomicReference<StreamObserver<EchoRequest>> requests = new AtomicReference<>();
		CompletableFuture<Boolean> otherThreadFinished = new CompletableFuture<>();
		requests.set(client.chatAsync(new RecordingObserverWithError(() -> {
			Thread other = new Thread(() -> {
				try {
					requests.get().onNext(request("after the end"));
				}
				catch (RuntimeException ex) {
					// The call has ended: the send fails, and that is fine.
				}
			});
			other.start();
			other.join(TimeUnit.SECONDS.toMillis(5));
			otherThreadFinished.complete(!other.isAlive());
		})));
		assertThat(otherThreadFinished.get(20, TimeUnit.SECONDS)).as("the other thread's send returned").isTrue();
	}

	/** Runs an action in onError, as an application's observer would. */
	private static final class RecordingObserverWithError implements StreamObserver<EchoResponse> {

		private final InterruptibleAction onError;

		RecordingObserverWithError(InterruptibleAction onError) {
			this.onError = onError;
		}

		@Override
		public void onNext(EchoResponse value) {
		}

		@Override
		public void onError(Throwable error) {
			try {
				this.onError.run();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

		@Override
		public void onCompleted() {
		}

	}

	@FunctionalInterface
	private interface InterruptibleAction {

		void run() throws InterruptedException;

	}

}
