package dev.triplestream.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.triplestream.stream.EndReason;
import dev.triplestream.stream.StreamDrain;
import dev.triplestream.stream.StreamSide;
import dev.triplestream.test.v1.EchoRequest;
import dev.triplestream.test.v1.EchoResponse;
import dev.triplestream.test.v1.EchoServiceGrpc;

import static dev.triplestream.client.BidiStreamLifecycleTests.millisSince;
import static dev.triplestream.client.ChatClient.request;
import static dev.triplestream.client.ChatClient.response;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** {@link ClientStreams#drain()}: the drain of open client streams when the context shuts down. */
@Timeout(60)
class ClientStreamsDrainTests {

	private static final Logger logger = LoggerFactory.getLogger(ClientStreamsDrainTests.class);

	private final ServerProbe probe = new ServerProbe();

	private ClientFixture fixture;

	@AfterEach
	void tearDown() throws InterruptedException {
		if (this.fixture != null) {
			this.fixture.close();
		}
	}

	@Test
	void stopHalfClosesEveryStreamAndCancelsTheOnesThatDoNotEnd() throws Exception {
		int streams = 200;
		Duration grace = Duration.ofSeconds(1);
		this.fixture = ClientFixture.netty().gracePeriod("1s").service(new HalfCooperativeChat()).start();
		ChatClient client = this.fixture.client(ChatClient.class);

		CountDownLatch acknowledged = new CountDownLatch(streams);
		AtomicReferenceArray<Object> outcomes = new AtomicReferenceArray<>(streams);
		List<Thread> receivers = new ArrayList<>();
		long opening = System.nanoTime();
		for (int i = 0; i < streams; i++) {
			int index = i;
			String mode = (i % 2 == 0) ? "cooperative" : "stubborn";
			Thread receiver = new Thread(() -> {
				BidiStream<EchoRequest, EchoResponse> stream = client.chat();
				try {
					stream.send(request(mode, index));
					stream.receive();
					acknowledged.countDown();
					EchoResponse unexpected = stream.receive();
					outcomes.set(index, (unexpected != null) ? unexpected : stream.status());
				}
				catch (StatusRuntimeException ex) {
					outcomes.set(index, ex);
				}
			}, "receiver-" + mode + "-" + i);
			receiver.setDaemon(true);
			receivers.add(receiver);
			receiver.start();
		}
		assertThat(acknowledged.await(30, TimeUnit.SECONDS)).as("every stream open and acknowledged").isTrue();
		await("every receiver blocked in receive()").atMost(Duration.ofSeconds(20))
			.pollInterval(Duration.ofMillis(20))
			.until(() -> receivers.stream().allMatch((receiver) -> BlockedThreads.isBlockedIn(receiver, "receive")));
		logger.info("{} streams opened, acknowledged and their receivers blocked in {} ms", streams,
				millisSince(opening));
		assertThat(this.fixture.registry().count(StreamSide.CLIENT)).isEqualTo(streams);

		long start = System.nanoTime();
		this.fixture.streams().drain();
		long stopMillis = millisSince(start);
		for (Thread receiver : receivers) {
			receiver.join(10_000);
		}
		logger.info("drain() with {} open streams (half cooperative) and a {} ms grace period took {} ms", streams,
				grace.toMillis(), stopMillis);

		assertThat(receivers).as("receivers released").noneMatch(Thread::isAlive);
		for (int i = 0; i < streams; i++) {
			Object outcome = outcomes.get(i);
			if (i % 2 == 0) {
				assertThat(outcome).as("cooperative stream %d", i)
					.isInstanceOfSatisfying(Status.class, (status) -> assertThat(status.isOk()).isTrue());
			}
			else {
				assertThat(outcome).as("stubborn stream %d", i)
					.isInstanceOfSatisfying(StatusRuntimeException.class, (ex) -> {
						assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.CANCELLED);
						assertThat(ex.getStatus().getDescription()).contains(ClientStreams.SHUTTING_DOWN);
					});
			}
		}
		assertThat(this.fixture.registry().count(StreamSide.CLIENT)).isZero();
		assertThat(this.fixture.registry().streams(StreamSide.CLIENT)).isEmpty();
		assertThat(stopMillis).isBetween(grace.toMillis() - 50, grace.toMillis() + 3_000);
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			assertThat(this.probe.halfCloses).hasValue(streams);
			assertThat(this.probe.cancellations).hasValue(streams / 2);
		});
		assertThat(this.fixture.streams().isShuttingDown()).isTrue();
		assertThat(this.fixture.streams().isShuttingDown()).isTrue();

		assertNewCallsFailFast(client);
	}

	/**
	 * The drain keeps the application's flow control: responses of a stream the application holds
	 * but does not read stay with the server (they are not buffered at network speed for the whole
	 * grace period), and the stream is cancelled at its end. The responses that had arrived are still
	 * read before the end is reported.
	 */
	@Test
	void stopKeepsTheFlowControlOfHalfClosedStreamsNobodyReadsAndCancelsThemAtTheEndOfTheGrace() throws Exception {
		int count = 2_000;
		AtomicInteger sent = new AtomicInteger();
		this.fixture = ClientFixture.inProcess().gracePeriod("1s").service(new EchoServiceGrpc.EchoServiceImplBase() {

			@Override
			public void repeat(EchoRequest request, StreamObserver<EchoResponse> responses) {
				ClientStreamsDrainTests.this.probe.watchCancel(responses);
				flood((ServerCallStreamObserver<EchoResponse>) responses).run();
			}

			@Override
			public StreamObserver<EchoRequest> chat(StreamObserver<EchoResponse> responses) {
				ClientStreamsDrainTests.this.probe.watchCancel(responses);
				Runnable flood = flood((ServerCallStreamObserver<EchoResponse>) responses);
				return new BidiStreamLifecycleTests.ServerObserver() {

					@Override
					public void onCompleted() {
						flood.run();
					}

				};
			}

			/**
			 * Sends {@code count} responses as fast as flow control lets it, then completes, from the
			 * moment the returned action runs (grpc takes the ready handler only as the call starts).
			 */
			private Runnable flood(ServerCallStreamObserver<EchoResponse> responses) {
				AtomicInteger next = new AtomicInteger();
				java.util.concurrent.atomic.AtomicBoolean started = new java.util.concurrent.atomic.AtomicBoolean();
				Runnable send = () -> {
					while (started.get() && responses.isReady() && !responses.isCancelled() && next.get() < count) {
						responses.onNext(response("r", next.getAndIncrement()));
						sent.incrementAndGet();
					}
					if (next.get() == count) {
						next.incrementAndGet();
						responses.onCompleted();
					}
				};
				responses.setOnReadyHandler(send);
				return () -> {
					started.set(true);
					send.run();
				};
			}

		}).start();
		ChatClient client = this.fixture.client(ChatClient.class);

		ServerStream<EchoResponse> unreadServerStream = client.repeat(request("r"));
		BidiStream<EchoRequest, EchoResponse> unreadBidiStream = client.chat();
		unreadBidiStream.closeSend();
		await().atMost(Duration.ofSeconds(10)).until(() -> sent.get() > count / 100);

		StreamDrain.Result result = this.fixture.streams().drain();

		assertThat(result.count(EndReason.SHUTDOWN_CANCELLED)).isEqualTo(2);
		assertThat(sent.get()).as("responses sent to streams nobody reads").isLessThan(count);
		for (ServerStream<EchoResponse> stream : List.of(unreadServerStream, unreadBidiStream)) {
			int read = 0;
			try {
				while (stream.receive() != null) {
					read++;
				}
			}
			catch (StatusRuntimeException ex) {
				assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.CANCELLED);
				assertThat(ex.getStatus().getDescription()).startsWith(ClientStreams.SHUTTING_DOWN);
			}
			assertThat(read).as("responses that had arrived").isPositive();
		}
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(this.probe.cancellations).hasValue(2));
	}

	private void assertNewCallsFailFast(ChatClient client) throws Exception {
		long start = System.nanoTime();
		BidiStream<EchoRequest, EchoResponse> refused = client.chat();
		assertThatThrownBy(refused::receive).isInstanceOfSatisfying(StatusRuntimeException.class,
				(ex) -> assertShuttingDown(ex.getStatus()));
		assertThatThrownBy(() -> refused.send(request("late"))).isInstanceOfSatisfying(StatusRuntimeException.class,
				(ex) -> assertShuttingDown(ex.getStatus()));
		refused.close();
		assertThatThrownBy(() -> client.echo(request("late"))).isInstanceOfSatisfying(StatusRuntimeException.class,
				(ex) -> assertShuttingDown(ex.getStatus()));
		CompletableFuture<Throwable> asyncError = new CompletableFuture<>();
		client.repeatAsync(request("late"), new StreamObserver<>() {

			@Override
			public void onNext(EchoResponse value) {
				asyncError.completeExceptionally(new AssertionError("unexpected response " + value));
			}

			@Override
			public void onError(Throwable error) {
				asyncError.complete(error);
			}

			@Override
			public void onCompleted() {
				asyncError.completeExceptionally(new AssertionError("unexpected completion"));
			}

		});
		assertThat(asyncError.get(5, TimeUnit.SECONDS)).isInstanceOfSatisfying(StatusRuntimeException.class,
				(ex) -> assertShuttingDown(ex.getStatus()));
		long millis = millisSince(start);
		logger.info("after drain(): four refused calls took {} ms in all", millis);
		assertThat(millis).isLessThan(1_000L);
		assertThat(this.fixture.registry().count(StreamSide.CLIENT)).isZero();
	}

	private static void assertShuttingDown(Status status) {
		assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
		assertThat(status.getDescription()).isEqualTo(ClientStreams.SHUTTING_DOWN);
	}

	/** Acknowledges the first message; on half-close, "cooperative" streams complete, others never do. */
	@Test
	void aStreamThatFailsToHalfCloseDoesNotStopTheDrainOfTheOthers() throws Exception {
		this.fixture = ClientFixture.inProcess().gracePeriod("5s").service(new HalfCooperativeChat()).start();
		ChatClient client = this.fixture.client(ChatClient.class);
		BidiStream<EchoRequest, EchoResponse> stream = client.chat();
		stream.send(request("cooperative", 1));
		assertThat(stream.receive().getText()).isEqualTo("ack");
		// A stream whose controls throw, as a broken implementation of TrackedStream would; it is
		// registered first, so the drain meets it before the real one.
		FailingStream failing = new FailingStream(this.fixture.registry().nextId() - 1_000_000);
		this.fixture.registry().add(failing);
		java.util.List<dev.triplestream.stream.TrackedStream> open = this.fixture.registry()
			.streams(dev.triplestream.stream.StreamSide.CLIENT);
		assertThat(open).hasSize(2).startsWith(failing);
		Thread drain = new Thread(() -> new dev.triplestream.stream.StreamDrain("test drain", this.fixture.registry(),
				Duration.ofSeconds(5), Status.CANCELLED.withDescription("test drain"))
			.drain(open));
		try {
			drain.start();
			await().atMost(Duration.ofSeconds(10)).until(() -> stream.isDone());
			assertThat(stream.status().getCode()).isEqualTo(Status.Code.OK);
			assertThat(failing.noticeAttempts.get()).isEqualTo(1);
			assertThat(failing.stepAttempts.get()).isEqualTo(1);
		}
		finally {
			this.fixture.registry().remove(failing);
			drain.join(Duration.ofSeconds(10).toMillis());
		}
		assertThat(drain.isAlive()).isFalse();
	}

	/** A registered stream whose half-close and cancel throw. */
	private static final class FailingStream implements dev.triplestream.stream.TrackedStream {

		private final long id;

		final java.util.concurrent.atomic.AtomicInteger noticeAttempts = new java.util.concurrent.atomic.AtomicInteger();

		final java.util.concurrent.atomic.AtomicInteger stepAttempts = new java.util.concurrent.atomic.AtomicInteger();

		FailingStream(long id) {
			this.id = id;
		}

		@Override
		public long id() {
			return this.id;
		}

		@Override
		public dev.triplestream.stream.StreamSide side() {
			return dev.triplestream.stream.StreamSide.CLIENT;
		}

		@Override
		public String origin() {
			return "broken";
		}

		@Override
		public String fullMethodName() {
			return "test.Broken/Stream";
		}

		@Override
		public io.grpc.MethodDescriptor.MethodType type() {
			return io.grpc.MethodDescriptor.MethodType.BIDI_STREAMING;
		}

		@Override
		public String peer() {
			return "nowhere";
		}

		@Override
		public java.time.Instant startedAt() {
			return java.time.Instant.now();
		}

		@Override
		public long messagesSent() {
			return 0;
		}

		@Override
		public long messagesReceived() {
			return 0;
		}

		@Override
		public boolean isHalfClosed() {
			return false;
		}

		@Override
		public String openedAt() {
			return null;
		}

		@Override
		public Duration idleFor() {
			return Duration.ZERO;
		}

		@Override
		public Duration deadlineRemaining() {
			return null;
		}

		@Override
		public boolean isDrainNoticeGiven() {
			return false;
		}

		@Override
		public Status status() {
			return null;
		}

		@Override
		public dev.triplestream.stream.EndReason endReason() {
			return null;
		}

		@Override
		public void giveDrainNotice() {
			this.noticeAttempts.incrementAndGet();
			throw new IllegalStateException("broken drain notice");
		}

		@Override
		public void takeDrainStep() {
			this.stepAttempts.incrementAndGet();
			throw new IllegalStateException("broken half-close");
		}

		@Override
		public boolean end(dev.triplestream.stream.EndReason reason, Status status) {
			throw new IllegalStateException("broken cancel");
		}

	}

	private final class HalfCooperativeChat extends EchoServiceGrpc.EchoServiceImplBase {

		@Override
		public StreamObserver<EchoRequest> chat(StreamObserver<EchoResponse> responses) {
			ClientStreamsDrainTests.this.probe.watchCancel(responses);
			return new BidiStreamLifecycleTests.ServerObserver() {

				private volatile boolean cooperative;

				@Override
				public void onNext(EchoRequest request) {
					this.cooperative = request.getText().equals("cooperative");
					responses.onNext(response("ack", request.getSeq()));
				}

				@Override
				public void onCompleted() {
					ClientStreamsDrainTests.this.probe.halfCloses.incrementAndGet();
					if (this.cooperative) {
						responses.onCompleted();
					}
				}

			};
		}

	}

}
