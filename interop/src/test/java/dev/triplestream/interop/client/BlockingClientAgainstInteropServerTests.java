package dev.triplestream.interop.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.testing.integration.EmptyProtos.Empty;
import io.grpc.testing.integration.Messages.SimpleResponse;
import io.grpc.testing.integration.Messages.StreamingOutputCallRequest;
import io.grpc.testing.integration.Messages.StreamingOutputCallResponse;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import dev.triplestream.client.BidiStream;
import dev.triplestream.client.ServerStream;
import dev.triplestream.interop.client.InteropClientApplication.CapturedMetadata;

import static dev.triplestream.interop.client.InteropMessages.REQUEST_SIZES;
import static dev.triplestream.interop.client.InteropMessages.RESPONSE_SIZES;
import static dev.triplestream.interop.client.InteropMessages.output;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The interop cases through the starter's blocking handles and unary calls, against grpc-java's
 * {@code TestServiceServer} in its own JVM.
 */
class BlockingClientAgainstInteropServerTests extends AbstractInteropServerTests {

	private static final Metadata.Key<String> ECHO_INITIAL = Metadata.Key.of("x-grpc-test-echo-initial",
			Metadata.ASCII_STRING_MARSHALLER);

	@Autowired
	InteropBlockingClient client;

	@Autowired
	InteropMetadataClient metadataClient;

	@Autowired
	UnimplementedServiceClient unimplementedService;

	@Autowired
	CapturedMetadata captured;

	@Test
	void emptyUnary() {
		assertThat(this.client.emptyCall(Empty.getDefaultInstance())).isEqualTo(Empty.getDefaultInstance());
	}

	@Test
	void largeUnary() {
		SimpleResponse response = this.client.unaryCall(InteropMessages.largeUnary());
		assertThat(response.getPayload().getBody().size()).isEqualTo(314159);
	}

	@Test
	void serverStreaming() {
		try (ServerStream<StreamingOutputCallResponse> stream = this.client.streamingOutputCall(output(0, RESPONSE_SIZES))) {
			List<Integer> sizes = new ArrayList<>();
			stream.forEach((response) -> sizes.add(response.getPayload().getBody().size()));
			assertThat(sizes).containsExactly(31415, 9, 2653, 58979);
			assertThat(stream.status().isOk()).isTrue();
		}
	}

	@Test
	void pingPong() {
		try (BidiStream<StreamingOutputCallRequest, StreamingOutputCallResponse> stream = this.client.fullDuplexCall()) {
			for (int i = 0; i < REQUEST_SIZES.length; i++) {
				stream.send(output(REQUEST_SIZES[i], RESPONSE_SIZES[i]));
				assertThat(stream.receive().getPayload().getBody().size()).isEqualTo(RESPONSE_SIZES[i]);
			}
			stream.closeSend();
			assertThat(stream.receive()).as("end of stream").isNull();
			assertThat(stream.status().isOk()).isTrue();
		}
	}

	@Test
	void emptyStream() {
		try (BidiStream<StreamingOutputCallRequest, StreamingOutputCallResponse> stream = this.client.fullDuplexCall()) {
			stream.closeSend();
			assertThat(stream.receive()).isNull();
			assertThat(stream.status().isOk()).isTrue();
		}
	}

	@Test
	void customMetadata() {
		this.metadataClient.unaryCall(InteropMessages.largeUnary());
		assertEchoed(this.captured.headers().get(), this.captured.trailers().get());
		try (BidiStream<StreamingOutputCallRequest, StreamingOutputCallResponse> stream = this.metadataClient
			.fullDuplexCall()) {
			stream.send(output(27182, 314159));
			assertThat(stream.receive().getPayload().getBody().size()).isEqualTo(314159);
			stream.closeSend();
			assertThat(stream.receive()).isNull();
			assertEchoed(stream.headers(), stream.trailers());
		}
	}

	private static void assertEchoed(Metadata headers, Metadata trailers) {
		assertThat(headers.get(ECHO_INITIAL)).isEqualTo("test_initial_metadata_value");
		assertThat(trailers.get(InteropClientApplication.ECHO_TRAILING))
			.isEqualTo(InteropClientApplication.TRAILING_VALUE);
	}

	@Test
	void statusCodeAndMessage() {
		assertStatus(() -> this.client.unaryCall(InteropMessages.unaryWithStatus(2, "test status message")),
				"test status message");
		try (BidiStream<StreamingOutputCallRequest, StreamingOutputCallResponse> stream = this.client.fullDuplexCall()) {
			stream.send(InteropMessages.streamingWithStatus(2, "test status message"));
			stream.closeSend();
			assertStatus(stream::receive, "test status message");
		}
	}

	@Test
	void specialStatusMessage() {
		assertStatus(() -> this.client.unaryCall(InteropMessages.unaryWithStatus(2, InteropMessages.SPECIAL_MESSAGE)),
				InteropMessages.SPECIAL_MESSAGE);
	}

	private static void assertStatus(Runnable call, String message) {
		StatusRuntimeException ex = catchThrowableOfType(StatusRuntimeException.class, call::run);
		assertThat(ex).as("the call's failure").isNotNull();
		assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.UNKNOWN);
		assertThat(ex.getStatus().getDescription()).isEqualTo(message);
	}

	@Test
	void unimplementedMethod() {
		assertThatExceptionOfType(StatusRuntimeException.class)
			.isThrownBy(() -> this.client.unimplementedCall(Empty.getDefaultInstance()))
			.satisfies((ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED));
	}

	@Test
	void unimplementedService() {
		assertThatExceptionOfType(StatusRuntimeException.class)
			.isThrownBy(() -> this.unimplementedService.unimplementedCall(Empty.getDefaultInstance()))
			.satisfies((ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED));
	}

	@Test
	void cancelAfterBegin() {
		try (BidiStream<StreamingOutputCallRequest, StreamingOutputCallResponse> stream = this.client.fullDuplexCall()) {
			stream.cancel("cancelled after begin");
			assertThatExceptionOfType(StatusRuntimeException.class).isThrownBy(stream::receive)
				.satisfies((ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.CANCELLED));
		}
	}

	@Test
	void cancelAfterFirstResponse() {
		try (BidiStream<StreamingOutputCallRequest, StreamingOutputCallResponse> stream = this.client.fullDuplexCall()) {
			stream.send(output(27182, 31415));
			assertThat(stream.receive().getPayload().getBody().size()).isEqualTo(31415);
			stream.cancel("cancelled after the first response");
			assertThatExceptionOfType(StatusRuntimeException.class).isThrownBy(stream::receive)
				.satisfies((ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.CANCELLED));
		}
	}

	@Test
	void timeoutOnSleepingServer() {
		try (BidiStream<StreamingOutputCallRequest, StreamingOutputCallResponse> stream = this.client
			.fullDuplexCallWithShortDeadline()) {
			try {
				stream.send(output(27182));
			}
			catch (StatusRuntimeException ex) {
				// The deadline may pass before the request goes out; receive() reports it either way.
			}
			assertThatExceptionOfType(StatusRuntimeException.class).isThrownBy(stream::receive)
				.satisfies((ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
		}
	}

	@Test
	void halfDuplexAnswersOnlyAfterTheHalfClose() throws TimeoutException {
		try (BidiStream<StreamingOutputCallRequest, StreamingOutputCallResponse> stream = this.client.halfDuplexCall()) {
			for (int size : RESPONSE_SIZES) {
				stream.send(output(0, size));
			}
			// Nothing comes back while the request side is open: the server waits for the half-close.
			assertThatExceptionOfType(TimeoutException.class)
				.isThrownBy(() -> stream.receive(Duration.ofMillis(300)));
			stream.closeSend();
			for (int size : RESPONSE_SIZES) {
				assertThat(stream.receive().getPayload().getBody().size()).isEqualTo(size);
			}
			assertThat(stream.receive()).as("end of stream").isNull();
			assertThat(stream.status().isOk()).isTrue();
		}
	}

}
