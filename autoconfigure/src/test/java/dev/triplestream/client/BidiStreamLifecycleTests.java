package dev.triplestream.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.triplestream.stream.StreamSide;
import dev.triplestream.test.v1.EchoRequest;
import dev.triplestream.test.v1.EchoResponse;
import dev.triplestream.test.v1.EchoServiceGrpc;

import static dev.triplestream.client.ChatClient.request;
import static dev.triplestream.client.ChatClient.response;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The lifecycle of a blocking {@link BidiStream} against real servers: half-close, idle timeout,
 * stream deadline, unary deadline, and {@code close()}.
 */
@Timeout(60)
class BidiStreamLifecycleTests {

	private static final Logger logger = LoggerFactory.getLogger(BidiStreamLifecycleTests.class);

	private static final String CHAT = "triplestream.test.v1.EchoService/Chat";

	private static final String ECHO = "triplestream.test.v1.EchoService/Echo";

	private static final String REPEAT = "triplestream.test.v1.EchoService/Repeat";

	private final ServerProbe probe = new ServerProbe();

	private final ScheduledExecutorService serverTimer = Executors.newScheduledThreadPool(1);

	private ClientFixture fixture;

	@AfterEach
	void tearDown() throws InterruptedException {
		this.serverTimer.shutdownNow();
		if (this.fixture != null) {
			this.fixture.close();
		}
	}

	@Test
	void halfCloseLetsACooperativeServerFinish() {
		this.fixture = ClientFixture.inProcess().service(new CooperativeChat()).start();
		ChatClient client = this.fixture.client(ChatClient.class);

		BidiStream<EchoRequest, EchoResponse> stream = client.chat();
		for (int i = 1; i <= 3; i++) {
			stream.send(request("m" + i, i));
		}
		stream.closeSend();
		List<String> received = new ArrayList<>();
		EchoResponse response;
		while ((response = stream.receive()) != null) {
			received.add(response.getText());
		}

		assertThat(received).containsExactly("echo:m1", "echo:m2", "echo:m3", "total:3");
		assertThat(stream.receive()).as("receive() after the end").isNull();
		assertThat(stream.isDone()).isTrue();
		assertThat(stream.status().isOk()).as("status %s", stream.status()).isTrue();
		assertThat(this.probe.halfCloses).hasValue(1);
		assertThat(this.probe.cancellations).hasValue(0);
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(this.fixture.registry().count(StreamSide.CLIENT)).isZero());
		stream.close();
		assertThat(stream.status().isOk()).isTrue();
	}

	@Test
	void aServerThatNeverAnswersIsCancelledAtTheIdleTimeout() {
		this.fixture = ClientFixture.netty().idleTimeout("1s").service(new SilentChat()).start();
		ChatClient client = this.fixture.client(ChatClient.class);

		BidiStream<EchoRequest, EchoResponse> stream = client.chat();
		stream.send(request("anyone there?"));
		long start = System.nanoTime();
		assertThatThrownBy(stream::receive).isInstanceOfSatisfying(StatusRuntimeException.class, (ex) -> {
			assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
			assertThat(ex.getStatus().getDescription())
				.isEqualTo("idle for 1s (triple.client.channels.chat.idle-timeout)");
		});
		long elapsed = millisSince(start);
		logger.info("idle-timeout 1s: receive() unblocked {} ms after the last message", elapsed);

		assertThat(elapsed).isBetween(950L, 3_000L);
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(this.probe.cancellations).hasValue(1));
		assertThat(stream.status().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(this.fixture.registry().count(StreamSide.CLIENT)).isZero());
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "netty", "in-process" })
	void aServerStreamWhoseServerNeverAnswersIsCancelledAtTheIdleTimeout(String transport) {
		ClientFixture.Builder builder = transport.equals("netty") ? ClientFixture.netty() : ClientFixture.inProcess();
		this.fixture = builder.idleTimeout("1s").service(new SilentChat()).start();
		ChatClient client = this.fixture.client(ChatClient.class);
		// Connect first: connecting is not idleness, and this test is about the idle clock.
		try (BidiStream<EchoRequest, EchoResponse> warmUp = client.chat()) {
			warmUp.send(request("warm-up"));
		}

		long start = System.nanoTime();
		ServerStream<EchoResponse> stream = client.repeat(request("anyone there?"));
		assertThatThrownBy(stream::receive).isInstanceOfSatisfying(StatusRuntimeException.class, (ex) -> {
			assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
			assertThat(ex.getStatus().getDescription())
				.isEqualTo("idle for 1s (triple.client.channels.chat.idle-timeout)");
		});
		long elapsed = millisSince(start);
		logger.info("idle-timeout 1s ({}): a silent server stream ended after {} ms", transport, elapsed);

		assertThat(elapsed).isBetween(950L, 3_000L);
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(this.probe.cancellations).hasValue(2));
	}

	@Test
	void theIdleTimeoutDoesNotCutAUnaryCallThatTakesLonger() {
		this.fixture = ClientFixture.netty().idleTimeout("500ms").deadline("5s").service(new SlowEcho()).start();
		ChatClient client = this.fixture.client(ChatClient.class);
		long start = System.nanoTime();
		assertThat(client.echo(request("take your time")).getText()).isEqualTo("take your time");
		long elapsed = millisSince(start);
		logger.info("idle-timeout 500ms, deadline 5s: a unary call answered after {} ms", elapsed);
		assertThat(elapsed).isGreaterThanOrEqualTo(1_000L);
	}

	@Test
	void theIdleTimeoutRestartsWithEveryMessageEitherWay() throws Exception {
		this.fixture = ClientFixture.netty().idleTimeout("1s").service(new TalkativeChat()).start();
		ChatClient client = this.fixture.client(ChatClient.class);
		ExecutorService clientThread = Executors.newSingleThreadExecutor();
		try {
			// The client talks every 300 ms and the server never does...
			CompletableFuture<Long> clientTalks = CompletableFuture.supplyAsync(() -> {
				BidiStream<EchoRequest, EchoResponse> stream = client.chat();
				long start = System.nanoTime();
				try {
					for (int i = 0; i <= 11; i++) {
						stream.send(request("listen", i));
						Thread.sleep(300);
					}
				}
				catch (InterruptedException ex) {
					throw new IllegalStateException(ex);
				}
				stream.closeSend();
				assertThat(stream.receive()).isNull();
				assertThat(stream.status().isOk()).as("status %s", stream.status()).isTrue();
				return millisSince(start);
			}, clientThread);

			// ...while on another stream the server talks every 300 ms and the client only listens.
			BidiStream<EchoRequest, EchoResponse> stream = client.chat();
			long start = System.nanoTime();
			stream.send(request("talk"));
			int ticks = 0;
			long last = System.nanoTime();
			long longestGap = 0;
			while (stream.receive() != null) {
				ticks++;
				longestGap = Math.max(longestGap, millisSince(last));
				last = System.nanoTime();
			}
			long serverTalked = millisSince(start);
			long clientTalked = clientTalks.get(20, TimeUnit.SECONDS);
			logger.info("idle-timeout 1s: client-talking stream lived {} ms; server-talking stream lived {} ms,"
					+ " {} ticks, longest gap {} ms", clientTalked, serverTalked, ticks, longestGap);

			assertThat(stream.status().isOk()).as("status %s", stream.status()).isTrue();
			assertThat(ticks).isEqualTo(11);
			assertThat(serverTalked).isGreaterThan(3_000L);
			assertThat(clientTalked).isGreaterThan(3_000L);
			assertThat(this.probe.messages).hasValue(12);
			assertThat(this.probe.cancellations).hasValue(0);
		}
		finally {
			clientThread.shutdownNow();
		}
	}

	@Test
	void theStreamDeadlineEndsAServerThatStreamsForever() {
		this.fixture = ClientFixture.netty()
			.streamDeadline("1s")
			.deadline("30s")
			.service(new EndlessChat())
			.interceptor(this.probe.recorder())
			.start();
		ChatClient client = this.fixture.client(ChatClient.class);

		BidiStream<EchoRequest, EchoResponse> stream = client.chat();
		long start = System.nanoTime();
		stream.send(request("go on forever"));
		AtomicInteger ticks = new AtomicInteger();
		assertThatThrownBy(() -> {
			while (stream.receive() != null) {
				ticks.incrementAndGet();
			}
		}).isInstanceOfSatisfying(StatusRuntimeException.class, (ex) -> {
			assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
			assertThat(ex.getStatus().getDescription())
				.startsWith("deadline of 1s (triple.client.channels.chat.stream-deadline) exceeded");
		});
		long elapsed = millisSince(start);
		Long sentTimeout = this.probe.calls(CHAT).get(0).grpcTimeoutNanos();
		logger.info("stream-deadline 1s: stream ended after {} ms and {} responses; the server saw grpc-timeout {} ns",
				elapsed, ticks, sentTimeout);

		assertThat(ticks.get()).isPositive();
		assertThat(elapsed).isBetween(900L, 3_000L);
		assertThat(sentTimeout).isNotNull().isPositive().isLessThanOrEqualTo(Duration.ofSeconds(1).toNanos());
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(this.probe.cancellations).hasValue(1));
	}

	@Test
	void theUnaryDeadlineAppliesToUnaryCallsOnly() {
		this.fixture = ClientFixture.netty()
			.deadline("500ms")
			.service(new CooperativeChat())
			.interceptor(this.probe.recorder())
			.start();
		ChatClient client = this.fixture.client(ChatClient.class);

		BidiStream<EchoRequest, EchoResponse> stream = client.chat();
		stream.send(request("hello"));
		assertThat(stream.receive().getText()).isEqualTo("echo:hello");
		stream.closeSend();
		assertThat(stream.receive().getText()).isEqualTo("total:1");
		assertThat(stream.receive()).isNull();
		try (ServerStream<EchoResponse> repeated = client.repeat(request("r", 2))) {
			assertThat(repeated).extracting(EchoResponse::getText).containsExactly("r", "r");
		}
		assertThat(this.probe.calls(CHAT).get(0).grpcTimeoutNanos()).as("grpc-timeout of a bidi stream").isNull();
		assertThat(this.probe.calls(REPEAT).get(0).grpcTimeoutNanos()).as("grpc-timeout of a server stream")
			.isNull();

		long start = System.nanoTime();
		assertThatThrownBy(() -> client.echo(request("hang")))
			.isInstanceOfSatisfying(StatusRuntimeException.class, (ex) -> {
				assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
				assertThat(ex.getStatus().getDescription())
					.startsWith("deadline of 500ms (triple.client.channels.chat.deadline) exceeded");
			});
		long elapsed = millisSince(start);
		Long sentTimeout = this.probe.calls(ECHO).get(0).grpcTimeoutNanos();
		logger.info("deadline 500ms: unary call failed after {} ms; the server saw grpc-timeout {} ns", elapsed,
				sentTimeout);

		assertThat(elapsed).isBetween(450L, 3_000L);
		assertThat(sentTimeout).isNotNull().isPositive().isLessThanOrEqualTo(Duration.ofMillis(500).toNanos());
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(this.probe.cancellations).hasValue(1));
	}

	@Test
	void closeCancelsAServerThatIgnoresTheHalfCloseAfterTheCloseTimeout() {
		this.fixture = ClientFixture.netty().closeTimeout("500ms").service(new StubbornChat()).start();
		ChatClient client = this.fixture.client(ChatClient.class);

		BidiStream<EchoRequest, EchoResponse> stream = client.chat();
		stream.send(request("hi"));
		long start = System.nanoTime();
		stream.close();
		long elapsed = millisSince(start);
		logger.info("close-timeout 500ms: close() on a stubborn server returned after {} ms", elapsed);

		assertThat(elapsed).isBetween(450L, 2_500L);
		assertThat(stream.isDone()).as("ended when close() returns").isTrue();
		assertThat(stream.status().getCode()).isEqualTo(Status.Code.CANCELLED);
		assertThat(stream.status().getDescription()).isEqualTo(
				"closed: the server did not end the stream within 500ms (triple.client.channels.chat.close-timeout)");
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
			assertThat(this.probe.halfCloses).hasValue(1);
			assertThat(this.probe.cancellations).hasValue(1);
		});
		stream.close();
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(this.fixture.registry().count(StreamSide.CLIENT)).isZero());
	}

	@Test
	void closeOnACooperativeServerReturnsPromptlyWithOk() {
		this.fixture = ClientFixture.netty().closeTimeout("5s").service(new CooperativeChat()).start();
		ChatClient client = this.fixture.client(ChatClient.class);

		BidiStream<EchoRequest, EchoResponse> stream = client.chat();
		stream.send(request("hi"));
		assertThat(stream.receive().getText()).isEqualTo("echo:hi");
		long start = System.nanoTime();
		stream.close();
		long elapsed = millisSince(start);
		logger.info("close-timeout 5s: close() on a cooperative server returned after {} ms", elapsed);

		assertThat(elapsed).isLessThan(2_000L);
		assertThat(stream.status().isOk()).as("status %s", stream.status()).isTrue();
		assertThat(this.probe.halfCloses).hasValue(1);
		assertThat(this.probe.cancellations).hasValue(0);
	}

	@Test
	void closeLetsTheTrailersThroughManyUnreadResponses() {
		int count = 2_000;
		String kilobyte = "x".repeat(1024);
		AtomicInteger sent = new AtomicInteger();
		this.fixture = ClientFixture.netty().closeTimeout("3s").service(new EchoServiceGrpc.EchoServiceImplBase() {

			@Override
			public StreamObserver<EchoRequest> chat(StreamObserver<EchoResponse> responses) {
				BidiStreamLifecycleTests.this.probe.watchCancel(responses);
				return new ServerObserver() {

					@Override
					public void onNext(EchoRequest request) {
						for (int i = 0; i < count; i++) {
							responses.onNext(response(kilobyte, i));
							sent.incrementAndGet();
						}
					}

					@Override
					public void onCompleted() {
						BidiStreamLifecycleTests.this.probe.halfCloses.incrementAndGet();
						responses.onCompleted();
					}

				};
			}

		}).start();
		ChatClient client = this.fixture.client(ChatClient.class);

		BidiStream<EchoRequest, EchoResponse> stream = client.chat();
		stream.send(request("flood me"));
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(sent).hasValue(count));
		long start = System.nanoTime();
		stream.close();
		long elapsed = millisSince(start);
		logger.info("close() with {} unread 1 KiB responses pending returned after {} ms with {}", count, elapsed,
				stream.status());

		assertThat(stream.status().isOk()).as("status %s", stream.status()).isTrue();
		assertThat(this.probe.halfCloses).hasValue(1);
		assertThat(this.probe.cancellations).hasValue(0);
	}

	static long millisSince(long startNanos) {
		return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
	}

	/** A request observer whose callbacks do nothing unless overridden. */
	abstract static class ServerObserver implements StreamObserver<EchoRequest> {

		@Override
		public void onNext(EchoRequest request) {
		}

		@Override
		public void onError(Throwable error) {
		}

		@Override
		public void onCompleted() {
		}

	}

	/** Echoes every message, and on half-close sends a total and completes. */
	private final class CooperativeChat extends EchoServiceGrpc.EchoServiceImplBase {

		@Override
		public StreamObserver<EchoRequest> chat(StreamObserver<EchoResponse> responses) {
			BidiStreamLifecycleTests.this.probe.watchCancel(responses);
			return new ServerObserver() {

				private int count;

				@Override
				public void onNext(EchoRequest request) {
					this.count++;
					responses.onNext(response("echo:" + request.getText(), request.getSeq()));
				}

				@Override
				public void onCompleted() {
					BidiStreamLifecycleTests.this.probe.halfCloses.incrementAndGet();
					responses.onNext(response("total:" + this.count));
					responses.onCompleted();
				}

			};
		}

		@Override
		public void echo(EchoRequest request, StreamObserver<EchoResponse> response) {
			if (request.getText().equals("hang")) {
				BidiStreamLifecycleTests.this.probe.watchCancel(response);
				return;
			}
			response.onNext(response(request.getText()));
			response.onCompleted();
		}

		@Override
		public void repeat(EchoRequest request, StreamObserver<EchoResponse> responses) {
			for (int i = 0; i < request.getSeq(); i++) {
				responses.onNext(response(request.getText(), i));
			}
			responses.onCompleted();
		}

	}

	/** Takes messages and never answers, not even the half-close. */
	private final class SilentChat extends EchoServiceGrpc.EchoServiceImplBase {

		@Override
		public void repeat(EchoRequest request, StreamObserver<EchoResponse> responses) {
			BidiStreamLifecycleTests.this.probe.watchCancel(responses);
		}

		@Override
		public StreamObserver<EchoRequest> chat(StreamObserver<EchoResponse> responses) {
			BidiStreamLifecycleTests.this.probe.watchCancel(responses);
			return new ServerObserver() {

				@Override
				public void onNext(EchoRequest request) {
					BidiStreamLifecycleTests.this.probe.messages.incrementAndGet();
				}

			};
		}

	}

	/** Answers a unary call after a second. */
	private static final class SlowEcho extends EchoServiceGrpc.EchoServiceImplBase {

		@Override
		public void echo(EchoRequest request, StreamObserver<EchoResponse> response) {
			try {
				Thread.sleep(1_000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			response.onNext(response(request.getText()));
			response.onCompleted();
		}

	}

	/** Sees the half-close and ignores it. */
	private final class StubbornChat extends EchoServiceGrpc.EchoServiceImplBase {

		@Override
		public StreamObserver<EchoRequest> chat(StreamObserver<EchoResponse> responses) {
			BidiStreamLifecycleTests.this.probe.watchCancel(responses);
			return new ServerObserver() {

				@Override
				public void onCompleted() {
					BidiStreamLifecycleTests.this.probe.halfCloses.incrementAndGet();
				}

			};
		}

	}

	/**
	 * "listen": counts messages silently and completes on half-close. "talk": sends 11 ticks 300 ms
	 * apart, then completes.
	 */
	private final class TalkativeChat extends EchoServiceGrpc.EchoServiceImplBase {

		@Override
		public StreamObserver<EchoRequest> chat(StreamObserver<EchoResponse> responses) {
			BidiStreamLifecycleTests.this.probe.watchCancel(responses);
			return new ServerObserver() {

				@Override
				public void onNext(EchoRequest request) {
					if (request.getText().equals("listen")) {
						BidiStreamLifecycleTests.this.probe.messages.incrementAndGet();
						return;
					}
					AtomicInteger ticks = new AtomicInteger();
					ScheduledFuture<?>[] ticker = new ScheduledFuture<?>[1];
					synchronized (ticker) {
						ticker[0] = BidiStreamLifecycleTests.this.serverTimer.scheduleAtFixedRate(() -> {
							int tick = ticks.incrementAndGet();
							if (tick <= 11) {
								responses.onNext(response("tick", tick));
							}
							else {
								responses.onCompleted();
								synchronized (ticker) {
									ticker[0].cancel(false);
								}
							}
						}, 300, 300, TimeUnit.MILLISECONDS);
					}
				}

				@Override
				public void onCompleted() {
					responses.onCompleted();
				}

			};
		}

	}

	/** Streams a response every 100 ms from the first message until cancelled. */
	private final class EndlessChat extends EchoServiceGrpc.EchoServiceImplBase {

		@Override
		public StreamObserver<EchoRequest> chat(StreamObserver<EchoResponse> responses) {
			ScheduledFuture<?>[] ticker = new ScheduledFuture<?>[1];
			BidiStreamLifecycleTests.this.probe.watchCancel(responses, () -> {
				synchronized (ticker) {
					if (ticker[0] != null) {
						ticker[0].cancel(false);
					}
				}
			});
			return new ServerObserver() {

				@Override
				public void onNext(EchoRequest request) {
					AtomicInteger ticks = new AtomicInteger();
					synchronized (ticker) {
						ticker[0] = BidiStreamLifecycleTests.this.serverTimer.scheduleAtFixedRate(
								() -> responses.onNext(response("tick", ticks.incrementAndGet())), 0, 100,
								TimeUnit.MILLISECONDS);
					}
				}

			};
		}

	}

}
