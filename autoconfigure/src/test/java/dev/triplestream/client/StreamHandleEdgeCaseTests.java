package dev.triplestream.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.triplestream.test.v1.EchoRequest;
import dev.triplestream.test.v1.EchoResponse;
import dev.triplestream.test.v1.EchoServiceGrpc;

import static dev.triplestream.client.ChatClient.request;
import static dev.triplestream.client.ChatClient.response;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The contract of {@link BidiStream} and {@link ServerStream} at its edges, over the in-process
 * transport. The server's behaviour is chosen by the text of the first message:
 * <ul>
 * <li>{@code echo}: echoes every message, completes on half-close;</li>
 * <li>{@code end}: completes at once;</li>
 * <li>{@code reject}: fails at once with INVALID_ARGUMENT;</li>
 * <li>{@code three then fail}: sends three responses, then fails with FAILED_PRECONDITION.</li>
 * </ul>
 */
@Timeout(60)
class StreamHandleEdgeCaseTests {

	static final Metadata.Key<String> SERVED_BY = Metadata.Key.of("x-served-by", Metadata.ASCII_STRING_MARSHALLER);

	static final Metadata.Key<String> SUMMARY = Metadata.Key.of("x-summary", Metadata.ASCII_STRING_MARSHALLER);

	private ClientFixture fixture;

	private ChatClient client;

	@BeforeEach
	void setUp() {
		this.fixture = ClientFixture.inProcess().service(new ScriptedChat()).interceptor(new HeadersAndTrailers()).start();
		this.client = this.fixture.client(ChatClient.class);
	}

	@AfterEach
	void tearDown() throws InterruptedException {
		this.fixture.close();
	}

	@Test
	void sendAfterCloseSendIsAnIllegalState() {
		try (BidiStream<EchoRequest, EchoResponse> stream = this.client.chat()) {
			stream.send(request("echo"));
			stream.closeSend();
			stream.closeSend();
			assertThatThrownBy(() -> stream.send(request("more"))).isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("closeSend()");
			assertThat(stream.receive().getText()).isEqualTo("echo");
			assertThat(stream.receive()).isNull();
		}
	}

	@Test
	void sendAfterTheServerCompletedThrowsTheOkEnd() {
		try (BidiStream<EchoRequest, EchoResponse> stream = this.client.chat()) {
			stream.send(request("end"));
			await().atMost(Duration.ofSeconds(5)).until(stream::isDone);
			assertThatThrownBy(() -> stream.send(request("anyone?")))
				.isInstanceOfSatisfying(StatusRuntimeException.class,
						(ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.OK));
			assertThat(stream.receive()).isNull();
		}
	}

	@Test
	void sendAfterTheServerFailedThrowsItsStatus() {
		try (BidiStream<EchoRequest, EchoResponse> stream = this.client.chat()) {
			stream.send(request("reject"));
			await().atMost(Duration.ofSeconds(5)).until(stream::isDone);
			assertThatThrownBy(() -> stream.send(request("anyone?")))
				.isInstanceOfSatisfying(StatusRuntimeException.class, (ex) -> {
					assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
					assertThat(ex.getStatus().getDescription()).isEqualTo("rejected");
				});
		}
	}

	@Test
	void responsesThatArrivedBeforeAnErrorAreDeliveredBeforeIt() {
		try (BidiStream<EchoRequest, EchoResponse> stream = this.client.chat()) {
			stream.send(request("three then fail"));
			await().atMost(Duration.ofSeconds(5)).until(stream::isDone);
			assertThat(stream.status().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
			for (int i = 0; i < 3; i++) {
				assertThat(stream.receive().getSeq()).isEqualTo(i);
			}
			assertThatThrownBy(stream::receive).isInstanceOfSatisfying(StatusRuntimeException.class, (ex) -> {
				assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
				assertThat(ex.getStatus().getDescription()).isEqualTo("failed after three");
				assertThat(ex.getTrailers().get(SUMMARY)).isEqualTo("3 sent");
			});
			assertThatThrownBy(stream::receive).as("the end is reported again")
				.isInstanceOf(StatusRuntimeException.class);
		}
	}

	@Test
	void iterationEndsNormallyAtOk() {
		try (BidiStream<EchoRequest, EchoResponse> stream = this.client.chat()) {
			stream.send(request("echo", 0));
			for (int i = 1; i < 5; i++) {
				stream.send(request("echo", i));
			}
			stream.closeSend();
			List<Long> seqs = new ArrayList<>();
			for (EchoResponse response : stream) {
				seqs.add(response.getSeq());
			}
			assertThat(seqs).containsExactly(0L, 1L, 2L, 3L, 4L);
			assertThat(stream.status().isOk()).isTrue();
			assertThat(stream.iterator().hasNext()).isFalse();
		}
	}

	@Test
	void iterationThrowsWhenTheStreamEndsOtherwise() {
		try (BidiStream<EchoRequest, EchoResponse> stream = this.client.chat()) {
			stream.send(request("three then fail"));
			List<Long> seqs = new ArrayList<>();
			assertThatThrownBy(() -> {
				for (EchoResponse response : stream) {
					seqs.add(response.getSeq());
				}
			}).isInstanceOfSatisfying(StatusRuntimeException.class,
					(ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION));
			assertThat(seqs).containsExactly(0L, 1L, 2L);
		}
	}

	@Test
	void serverStreamIterationEndsAtOkAndThrowsOtherwise() {
		try (ServerStream<EchoResponse> stream = this.client.repeat(request("r", 4))) {
			assertThat(stream).extracting(EchoResponse::getSeq).containsExactly(0L, 1L, 2L, 3L);
			assertThat(stream.status().isOk()).isTrue();
			assertThat(stream.trailers().get(SUMMARY)).isEqualTo("4 sent");
		}
		try (ServerStream<EchoResponse> stream = this.client.repeat(request("r", -1))) {
			assertThatThrownBy(() -> stream.forEach((response) -> {
			})).isInstanceOfSatisfying(StatusRuntimeException.class,
					(ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.OUT_OF_RANGE));
		}
	}

	@Test
	void receiveWithATimeoutGivesUpAndLeavesTheStreamUsable() throws Exception {
		try (BidiStream<EchoRequest, EchoResponse> stream = this.client.chat()) {
			stream.send(request("echo", 1));
			assertThat(stream.receive(Duration.ofSeconds(5)).getSeq()).isEqualTo(1);
			long start = System.nanoTime();
			assertThatThrownBy(() -> stream.receive(Duration.ofMillis(200))).isInstanceOf(TimeoutException.class);
			assertThat(BidiStreamLifecycleTests.millisSince(start)).isGreaterThanOrEqualTo(190L);
			assertThat(stream.isDone()).isFalse();
			assertThatThrownBy(() -> stream.receive(Duration.ZERO)).isInstanceOf(TimeoutException.class);
			stream.send(request("echo", 2));
			assertThat(stream.receive(Duration.ofSeconds(5)).getSeq()).isEqualTo(2);
			stream.closeSend();
			assertThat(stream.receive(Duration.ofSeconds(5))).isNull();
			assertThat(stream.status().isOk()).isTrue();
		}
	}

	@Test
	void headersAndTrailers() {
		try (BidiStream<EchoRequest, EchoResponse> stream = this.client.chat()) {
			stream.send(request("echo"));
			assertThat(stream.headers().get(SERVED_BY)).isEqualTo("edge-case-server");
			assertThat(stream.trailers()).as("trailers while open").isNull();
			assertThat(stream.status()).as("status while open").isNull();
			stream.closeSend();
			assertThat(stream.receive().getText()).isEqualTo("echo");
			assertThat(stream.receive()).isNull();
			assertThat(stream.trailers().get(SUMMARY)).isEqualTo("1 sent");
			assertThat(stream.headers().get(SERVED_BY)).as("headers after the end").isEqualTo("edge-case-server");
		}
	}

	@Test
	void headersOfAStreamThatEndedWithoutThemAreEmpty() {
		try (BidiStream<EchoRequest, EchoResponse> stream = this.client.chat()) {
			stream.send(request("reject"));
			Metadata headers = stream.headers();
			assertThat(headers.keys()).isEmpty();
			assertThat(stream.isDone()).isTrue();
			assertThat(stream.trailers()).isNotNull();
		}
	}

	@Test
	void closeIsIdempotentAndNeverThrowsForAnEndedStream() {
		BidiStream<EchoRequest, EchoResponse> stream = this.client.chat();
		stream.send(request("reject"));
		await().atMost(Duration.ofSeconds(5)).until(stream::isDone);
		stream.close();
		stream.close();
		assertThat(stream.status().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
		ServerStream<EchoResponse> repeated = this.client.repeat(request("r", -1));
		await().atMost(Duration.ofSeconds(5)).until(repeated::isDone);
		repeated.close();
		repeated.close();
		assertThat(repeated.status().getCode()).isEqualTo(Status.Code.OUT_OF_RANGE);
	}

	/** Adds a header to every response and a count of responses to the trailers. */
	static final class HeadersAndTrailers implements ServerInterceptor {

		@Override
		public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
				ServerCallHandler<Q, R> next) {
			return next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {

				private int sent;

				@Override
				public void sendHeaders(Metadata responseHeaders) {
					responseHeaders.put(SERVED_BY, "edge-case-server");
					super.sendHeaders(responseHeaders);
				}

				@Override
				public void sendMessage(R message) {
					this.sent++;
					super.sendMessage(message);
				}

				@Override
				public void close(Status status, Metadata trailers) {
					trailers.put(SUMMARY, this.sent + " sent");
					super.close(status, trailers);
				}

			}, headers);
		}

	}

	private static final class ScriptedChat extends EchoServiceGrpc.EchoServiceImplBase {

		@Override
		public StreamObserver<EchoRequest> chat(StreamObserver<EchoResponse> responses) {
			return new BidiStreamLifecycleTests.ServerObserver() {

				private boolean ended;

				@Override
				public void onNext(EchoRequest request) {
					if (this.ended) {
						return;
					}
					switch (request.getText()) {
						case "end" -> end(null);
						case "reject" -> end(Status.INVALID_ARGUMENT.withDescription("rejected"));
						case "three then fail" -> {
							for (int i = 0; i < 3; i++) {
								responses.onNext(response("before the error", i));
							}
							end(Status.FAILED_PRECONDITION.withDescription("failed after three"));
						}
						default -> responses.onNext(response(request.getText(), request.getSeq()));
					}
				}

				@Override
				public void onCompleted() {
					end(null);
				}

				private void end(Status error) {
					if (this.ended) {
						return;
					}
					this.ended = true;
					if (error == null) {
						responses.onCompleted();
					}
					else {
						responses.onError(error.asRuntimeException());
					}
				}

			};
		}

		@Override
		public void repeat(EchoRequest request, StreamObserver<EchoResponse> responses) {
			if (request.getSeq() < 0) {
				responses.onError(Status.OUT_OF_RANGE.withDescription("negative count").asRuntimeException());
				return;
			}
			for (int i = 0; i < request.getSeq(); i++) {
				responses.onNext(response(request.getText(), i));
			}
			responses.onCompleted();
		}

	}

}
