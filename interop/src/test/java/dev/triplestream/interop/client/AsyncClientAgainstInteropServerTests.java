package dev.triplestream.interop.client;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.grpc.testing.integration.Messages.StreamingInputCallRequest;
import io.grpc.testing.integration.Messages.StreamingInputCallResponse;
import io.grpc.testing.integration.Messages.StreamingOutputCallRequest;
import io.grpc.testing.integration.Messages.StreamingOutputCallResponse;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static dev.triplestream.interop.client.InteropMessages.REQUEST_SIZES;
import static dev.triplestream.interop.client.InteropMessages.RESPONSE_SIZES;
import static dev.triplestream.interop.client.InteropMessages.output;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The interop cases through the starter's asynchronous shapes ({@code StreamObserver} in and out,
 * {@code CompletableFuture}), against grpc-java's {@code TestServiceServer} in its own JVM.
 */
class AsyncClientAgainstInteropServerTests extends AbstractInteropServerTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	@Autowired
	InteropAsyncClient client;

	@Test
	void largeUnaryAsFuture() throws Exception {
		assertThat(this.client.unaryCall(InteropMessages.largeUnary())
			.get(WAIT.toSeconds(), TimeUnit.SECONDS)
			.getPayload()
			.getBody()
			.size()).isEqualTo(314159);
	}

	@Test
	void statusCodeAndMessageAsFuture() {
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> this.client.unaryCall(InteropMessages.unaryWithStatus(2, "test status message"))
				.get(WAIT.toSeconds(), TimeUnit.SECONDS))
			.satisfies((ex) -> {
				Status status = Status.fromThrowable(ex.getCause());
				assertThat(status.getCode()).isEqualTo(Status.Code.UNKNOWN);
				assertThat(status.getDescription()).isEqualTo("test status message");
			});
	}

	@Test
	void clientStreaming() throws Exception {
		RecordingObserver<StreamingInputCallResponse> responses = new RecordingObserver<>();
		StreamObserver<StreamingInputCallRequest> requests = this.client.streamingInputCall(responses);
		for (int size : REQUEST_SIZES) {
			requests.onNext(InteropMessages.input(size));
		}
		requests.onCompleted();
		assertThat(responses.awaitEnd(WAIT).isOk()).isTrue();
		assertThat(responses.values()).singleElement()
			.satisfies((response) -> assertThat(response.getAggregatedPayloadSize()).isEqualTo(74922));
	}

	@Test
	void serverStreaming() throws Exception {
		RecordingObserver<StreamingOutputCallResponse> responses = new RecordingObserver<>();
		this.client.streamingOutputCall(output(0, RESPONSE_SIZES), responses);
		assertThat(responses.awaitEnd(WAIT).isOk()).isTrue();
		assertThat(responses.values()).extracting((response) -> response.getPayload().getBody().size())
			.containsExactly(31415, 9, 2653, 58979);
	}

	@Test
	void pingPongThenHalfClose() throws Exception {
		RecordingObserver<StreamingOutputCallResponse> responses = new RecordingObserver<>();
		StreamObserver<StreamingOutputCallRequest> requests = this.client.fullDuplexCall(responses);
		for (int i = 0; i < REQUEST_SIZES.length; i++) {
			requests.onNext(output(REQUEST_SIZES[i], RESPONSE_SIZES[i]));
			int answered = i + 1;
			await().atMost(WAIT).until(() -> responses.values().size() == answered);
		}
		requests.onCompleted();
		assertThat(responses.awaitEnd(WAIT).isOk()).isTrue();
		assertThat(responses.values()).extracting((response) -> response.getPayload().getBody().size())
			.containsExactly(31415, 9, 2653, 58979);
	}

	@Test
	void emptyStream() throws Exception {
		RecordingObserver<StreamingOutputCallResponse> responses = new RecordingObserver<>();
		this.client.fullDuplexCall(responses).onCompleted();
		assertThat(responses.awaitEnd(WAIT).isOk()).isTrue();
		assertThat(responses.values()).isEmpty();
	}

	@Test
	void cancelAfterBegin() throws Exception {
		RecordingObserver<StreamingInputCallResponse> responses = new RecordingObserver<>();
		this.client.streamingInputCall(responses).onError(new IllegalStateException("cancelled after begin"));
		assertThat(responses.awaitEnd(WAIT).getCode()).isEqualTo(Status.Code.CANCELLED);
	}

	@Test
	void cancelAfterFirstResponse() throws Exception {
		RecordingObserver<StreamingOutputCallResponse> responses = new RecordingObserver<>();
		StreamObserver<StreamingOutputCallRequest> requests = this.client.fullDuplexCall(responses);
		requests.onNext(output(27182, 31415));
		await().atMost(WAIT).until(() -> responses.values().size() == 1);
		requests.onError(new IllegalStateException("cancelled after the first response"));
		assertThat(responses.awaitEnd(WAIT).getCode()).isEqualTo(Status.Code.CANCELLED);
	}

	@Test
	void halfDuplexAnswersAfterTheHalfClose() throws Exception {
		RecordingObserver<StreamingOutputCallResponse> responses = new RecordingObserver<>();
		StreamObserver<StreamingOutputCallRequest> requests = this.client.halfDuplexCall(responses);
		for (int size : RESPONSE_SIZES) {
			requests.onNext(output(0, size));
		}
		requests.onCompleted();
		assertThat(responses.awaitEnd(WAIT).isOk()).isTrue();
		assertThat(responses.values()).extracting((response) -> response.getPayload().getBody().size())
			.containsExactly(31415, 9, 2653, 58979);
	}

}
