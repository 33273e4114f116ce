package dev.triplestream.client;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.triplestream.stream.EndReason;
import dev.triplestream.stream.StreamRegistry;
import dev.triplestream.stream.TrackedStream;
import dev.triplestream.test.v1.EchoRequest;
import dev.triplestream.test.v1.EchoResponse;
import dev.triplestream.test.v1.EchoServiceGrpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A thread interrupted in {@code receive()} or {@code headers()} just as the stream ends with OK: the
 * end was recorded first (the stream is completed, and the interrupt cancels nothing), so the
 * operation reports that end as it reports any OK end ({@code receive()} returns null,
 * {@code headers()} empty metadata) and leaves the interrupt flag set. Both used to throw a
 * {@code StatusRuntimeException} whose status was OK.
 */
class InterruptedReceiveTests {

	private ClientFixture fixture;

	@AfterEach
	void close() throws InterruptedException {
		if (this.fixture != null) {
			this.fixture.close();
		}
	}

	@Test
	void aReaderInterruptedAsTheStreamCompletesIsToldOfTheCompletion() throws Exception {
		assertThat(interruptedAsTheStreamCompletes((stream) -> (stream.receive() == null) ? "null" : "a response"))
			.isEqualTo("null, interrupted");
	}

	@Test
	void aThreadInterruptedInHeadersAsTheStreamCompletesGetsNoHeaders() throws Exception {
		assertThat(interruptedAsTheStreamCompletes((stream) -> stream.headers().keys().isEmpty() ? "none" : "some"))
			.isEqualTo("none, interrupted");
	}

	/**
	 * What {@code operation} returns (or throws) on a thread interrupted as its server-streaming call
	 * completes with OK and no response, and whether the thread is still interrupted.
	 */
	private String interruptedAsTheStreamCompletes(Function<ServerStream<EchoResponse>, String> operation)
			throws Exception {
		CompletableFuture<StreamObserver<EchoResponse>> handler = new CompletableFuture<>();
		this.fixture = ClientFixture.inProcess().service(new EchoServiceGrpc.EchoServiceImplBase() {

			@Override
			public void repeat(EchoRequest request, StreamObserver<EchoResponse> responses) {
				handler.complete(responses);
			}

		}).start();
		ServerStream<EchoResponse> stream = this.fixture.client(ChatClient.class).repeat(ChatClient.request("once"));
		AtomicReference<Object> outcome = new AtomicReference<>();
		CountDownLatch returned = new CountDownLatch(1);
		Thread reader = new Thread(() -> {
			try {
				outcome.set(operation.apply(stream));
			}
			catch (RuntimeException ex) {
				outcome.set(ex);
			}
			outcome.set(outcome.get() + (Thread.currentThread().isInterrupted() ? ", interrupted" : ""));
			returned.countDown();
		}, "interrupted-reader");
		// The reader is interrupted once the end is recorded, before the handle has been told of it.
		this.fixture.registry().addListener(new StreamRegistry.Listener() {

			@Override
			public void opened(TrackedStream tracked) {
			}

			@Override
			public void closed(TrackedStream tracked) {
				assertThat(tracked.endReason()).isEqualTo(EndReason.COMPLETED);
				reader.interrupt();
				try {
					returned.await(5, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}

		});
		reader.start();
		await().atMost(Duration.ofSeconds(10)).until(() -> reader.getState() == Thread.State.WAITING);
		handler.get(10, TimeUnit.SECONDS).onCompleted();

		assertThat(returned.await(10, TimeUnit.SECONDS)).isTrue();
		return String.valueOf(outcome.get());
	}

}
