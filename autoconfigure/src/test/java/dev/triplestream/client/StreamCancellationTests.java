package dev.triplestream.client;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.triplestream.stream.StreamSide;
import dev.triplestream.test.v1.EchoRequest;
import dev.triplestream.test.v1.EchoResponse;
import dev.triplestream.test.v1.EchoServiceGrpc;

import static dev.triplestream.client.ChatClient.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@code cancel(reason)} and interruption of threads blocked in a stream handle, over Netty so
 * that flow control and cancellation go through a real HTTP/2 connection.
 */
@Timeout(60)
class StreamCancellationTests {

	private static final Logger logger = LoggerFactory.getLogger(StreamCancellationTests.class);

	/** Large enough that a few fill the server's 1 MiB flow-control window. */
	private static final EchoRequest LARGE = request("x".repeat(256 * 1024));

	private final ServerProbe probe = new ServerProbe();

	private ClientFixture fixture;

	@AfterEach
	void tearDown() throws InterruptedException {
		if (this.fixture != null) {
			this.fixture.close();
		}
	}

	@Test
	void cancelWakesABlockedReceiverAndABlockedSender() throws Exception {
		this.fixture = ClientFixture.netty().service(new NeverRequestingChat()).interceptor(this.probe.recorder()).start();
		BidiStream<EchoRequest, EchoResponse> stream = this.fixture.client(ChatClient.class).chat();
		AtomicInteger sent = new AtomicInteger();
		CompletableFuture<Throwable> receiverError = new CompletableFuture<>();
		CompletableFuture<Throwable> senderError = new CompletableFuture<>();
		Thread receiver = start("receiver", () -> {
			try {
				receiverError.completeExceptionally(new AssertionError("receive() returned " + stream.receive()));
			}
			catch (Throwable ex) {
				receiverError.complete(ex);
			}
		});
		Thread sender = start("sender", () -> {
			try {
				while (true) {
					stream.send(LARGE);
					sent.incrementAndGet();
				}
			}
			catch (Throwable ex) {
				senderError.complete(ex);
			}
		});
		BlockedThreads.awaitBlockedIn(receiver, "receive");
		BlockedThreads.awaitBlockedIn(sender, "send");
		awaitServerStarted(1);
		logger.info("sender blocked by flow control after {} messages of 256 KiB", sent.get());

		long start = System.nanoTime();
		stream.cancel("the test gave up");
		Throwable receiverEnd = receiverError.get(5, TimeUnit.SECONDS);
		Throwable senderEnd = senderError.get(5, TimeUnit.SECONDS);
		logger.info("cancel(reason) woke both threads within {} ms",
				BidiStreamLifecycleTests.millisSince(start));

		assertCancelledWith(receiverEnd, "the test gave up");
		assertCancelledWith(senderEnd, "the test gave up");
		assertThat(stream.status().getCode()).isEqualTo(Status.Code.CANCELLED);
		assertThat(stream.status().getDescription()).isEqualTo("the test gave up");
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(this.probe.cancellations).hasValue(1));
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(this.fixture.registry().count(StreamSide.CLIENT)).isZero());
		stream.close();
	}

	@Test
	void anInterruptedReceiverCancelsTheStreamAndKeepsItsInterruptFlag() throws Exception {
		this.fixture = ClientFixture.netty().service(new NeverRequestingChat()).interceptor(this.probe.recorder()).start();
		BidiStream<EchoRequest, EchoResponse> stream = this.fixture.client(ChatClient.class).chat();
		CompletableFuture<Throwable> error = new CompletableFuture<>();
		CompletableFuture<Boolean> interruptFlag = new CompletableFuture<>();
		Thread receiver = start("receiver", () -> {
			try {
				stream.receive();
			}
			catch (Throwable ex) {
				error.complete(ex);
			}
			interruptFlag.complete(Thread.currentThread().isInterrupted());
		});
		BlockedThreads.awaitBlockedIn(receiver, "receive");
		awaitServerStarted(1);

		receiver.interrupt();

		assertCancelledWith(error.get(5, TimeUnit.SECONDS), "thread interrupted while waiting in receive()");
		assertThat(interruptFlag.get(5, TimeUnit.SECONDS)).as("interrupt flag kept").isTrue();
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
			assertThat(this.probe.cancellations).hasValue(1);
			assertThat(stream.status()).isNotNull();
		});
		assertThat(stream.status().getCode()).isEqualTo(Status.Code.CANCELLED);
		stream.close();
	}

	@Test
	void anInterruptedSenderCancelsTheStreamAndKeepsItsInterruptFlag() throws Exception {
		this.fixture = ClientFixture.netty().service(new NeverRequestingChat()).interceptor(this.probe.recorder()).start();
		BidiStream<EchoRequest, EchoResponse> stream = this.fixture.client(ChatClient.class).chat();
		CompletableFuture<Throwable> error = new CompletableFuture<>();
		CompletableFuture<Boolean> interruptFlag = new CompletableFuture<>();
		Thread sender = start("sender", () -> {
			try {
				while (true) {
					stream.send(LARGE);
				}
			}
			catch (Throwable ex) {
				error.complete(ex);
			}
			interruptFlag.complete(Thread.currentThread().isInterrupted());
		});
		BlockedThreads.awaitBlockedIn(sender, "send");
		awaitServerStarted(1);

		sender.interrupt();

		assertCancelledWith(error.get(5, TimeUnit.SECONDS), "thread interrupted while waiting in send()");
		assertThat(interruptFlag.get(5, TimeUnit.SECONDS)).as("interrupt flag kept").isTrue();
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(this.probe.cancellations).hasValue(1));
		stream.close();
	}

	@Test
	void aThreadInterruptedInCloseCancelsTheStreamWithoutThrowing() throws Exception {
		this.fixture = ClientFixture.netty()
			.closeTimeout("30s")
			.service(new NeverRequestingChat())
			.interceptor(this.probe.recorder())
			.start();
		BidiStream<EchoRequest, EchoResponse> stream = this.fixture.client(ChatClient.class).chat();
		CompletableFuture<Throwable> error = new CompletableFuture<>();
		CompletableFuture<Boolean> interruptFlag = new CompletableFuture<>();
		Thread closer = start("closer", () -> {
			try {
				stream.close();
				error.complete(null);
			}
			catch (Throwable ex) {
				error.complete(ex);
			}
			interruptFlag.complete(Thread.currentThread().isInterrupted());
		});
		BlockedThreads.awaitBlockedIn(closer, "awaitEnd");
		awaitServerStarted(1);

		long start = System.nanoTime();
		closer.interrupt();

		assertThat(error.get(5, TimeUnit.SECONDS)).as("close() does not throw").isNull();
		assertThat(interruptFlag.get(5, TimeUnit.SECONDS)).as("interrupt flag kept").isTrue();
		logger.info("close() returned {} ms after its thread was interrupted (close-timeout 30s)",
				BidiStreamLifecycleTests.millisSince(start));
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
			assertThat(this.probe.cancellations).hasValue(1);
			assertThat(stream.status()).isNotNull();
		});
		assertThat(stream.status().getCode()).isEqualTo(Status.Code.CANCELLED);
		assertThat(stream.status().getDescription()).isEqualTo("interrupted while closing the stream");
	}

	@Test
	void sendRightAfterCancelThrowsTheCancellation() {
		this.fixture = ClientFixture.netty().service(new NeverRequestingChat()).interceptor(this.probe.recorder()).start();
		ChatClient client = this.fixture.client(ChatClient.class);
		for (int i = 0; i < 20; i++) {
			BidiStream<EchoRequest, EchoResponse> stream = client.chat();
			stream.send(request("first"));
			stream.cancel("cancelled by the application");
			assertThatThrownBy(() -> stream.send(request("too late")))
				.isInstanceOfSatisfying(StatusRuntimeException.class, (ex) -> {
					assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.CANCELLED);
					assertThat(ex.getStatus().getDescription()).isEqualTo("cancelled by the application");
				});
			assertThatThrownBy(stream::receive).isInstanceOf(StatusRuntimeException.class);
			stream.close();
		}
	}

	@Test
	void cancelWakesTheReceiverOfAServerStream() throws Exception {
		this.fixture = ClientFixture.netty().service(new NeverRequestingChat()).interceptor(this.probe.recorder()).start();
		ServerStream<EchoResponse> stream = this.fixture.client(ChatClient.class).repeat(request("never"));
		CompletableFuture<Throwable> error = new CompletableFuture<>();
		Thread receiver = start("receiver", () -> {
			try {
				stream.receive();
			}
			catch (Throwable ex) {
				error.complete(ex);
			}
		});
		BlockedThreads.awaitBlockedIn(receiver, "receive");
		awaitServerStarted(1);

		stream.cancel("no longer interested");

		assertCancelledWith(error.get(5, TimeUnit.SECONDS), "no longer interested");
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(this.probe.cancellations).hasValue(1));
		stream.close();
	}

	/** The server must have seen a call before it can see that call's cancellation. */
	private void awaitServerStarted(int calls) {
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(this.probe.calls).hasSize(calls));
	}

	private static void assertCancelledWith(Throwable error, String description) {
		assertThat(error).isInstanceOfSatisfying(StatusRuntimeException.class, (ex) -> {
			assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.CANCELLED);
			assertThat(ex.getStatus().getDescription()).isEqualTo(description);
		});
	}

	private static Thread start(String name, Runnable task) {
		Thread thread = new Thread(task, name);
		thread.setDaemon(true);
		thread.start();
		return thread;
	}

	/** Never asks for a message (so flow control fills up) and never answers. */
	private final class NeverRequestingChat extends EchoServiceGrpc.EchoServiceImplBase {

		@Override
		public StreamObserver<EchoRequest> chat(StreamObserver<EchoResponse> responses) {
			((ServerCallStreamObserver<EchoResponse>) responses).disableAutoRequest();
			StreamCancellationTests.this.probe.watchCancel(responses);
			return new BidiStreamLifecycleTests.ServerObserver() {
			};
		}

		@Override
		public void repeat(EchoRequest request, StreamObserver<EchoResponse> responses) {
			StreamCancellationTests.this.probe.watchCancel(responses);
		}

	}

}
