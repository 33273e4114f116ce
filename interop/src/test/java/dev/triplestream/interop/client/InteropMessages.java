package dev.triplestream.interop.client;

import com.google.protobuf.ByteString;
import io.grpc.testing.integration.Messages.EchoStatus;
import io.grpc.testing.integration.Messages.Payload;
import io.grpc.testing.integration.Messages.ResponseParameters;
import io.grpc.testing.integration.Messages.SimpleRequest;
import io.grpc.testing.integration.Messages.StreamingInputCallRequest;
import io.grpc.testing.integration.Messages.StreamingOutputCallRequest;

/** The requests of the interop suite's cases, with its sizes (from the gRPC interop test descriptions). */
final class InteropMessages {

	/** Request payload sizes of client_streaming and ping_pong. */
	static final int[] REQUEST_SIZES = { 27182, 8, 1828, 45904 };

	/** Response sizes of server_streaming and ping_pong. */
	static final int[] RESPONSE_SIZES = { 31415, 9, 2653, 58979 };

	static final String SPECIAL_MESSAGE = "\t\ntest with whitespace\r\nand Unicode BMP ☺ and non-BMP 😈\t\n";

	private InteropMessages() {
	}

	static Payload payload(int size) {
		return Payload.newBuilder().setBody(ByteString.copyFrom(new byte[size])).build();
	}

	static SimpleRequest largeUnary() {
		return SimpleRequest.newBuilder().setResponseSize(314159).setPayload(payload(271828)).build();
	}

	static SimpleRequest unaryWithStatus(int code, String message) {
		return SimpleRequest.newBuilder()
			.setResponseStatus(EchoStatus.newBuilder().setCode(code).setMessage(message))
			.build();
	}

	static StreamingOutputCallRequest streamingWithStatus(int code, String message) {
		return StreamingOutputCallRequest.newBuilder()
			.setResponseStatus(EchoStatus.newBuilder().setCode(code).setMessage(message))
			.build();
	}

	static StreamingInputCallRequest input(int size) {
		return StreamingInputCallRequest.newBuilder().setPayload(payload(size)).build();
	}

	/** One request asking for responses of {@code responseSizes}, carrying {@code payloadSize} bytes. */
	static StreamingOutputCallRequest output(int payloadSize, int... responseSizes) {
		StreamingOutputCallRequest.Builder request = StreamingOutputCallRequest.newBuilder();
		for (int size : responseSizes) {
			request.addResponseParameters(ResponseParameters.newBuilder().setSize(size));
		}
		if (payloadSize > 0) {
			request.setPayload(payload(payloadSize));
		}
		return request.build();
	}

}
