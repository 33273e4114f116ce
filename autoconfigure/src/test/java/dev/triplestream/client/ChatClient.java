package dev.triplestream.client;

import java.util.concurrent.CompletableFuture;

import io.grpc.MethodDescriptor.MethodType;
import io.grpc.stub.StreamObserver;

import dev.triplestream.test.v1.EchoRequest;
import dev.triplestream.test.v1.EchoResponse;

/** Every supported method shape, on the test proto's {@code EchoService}. */
@TripleClient(channel = "chat", service = "triplestream.test.v1.EchoService")
interface ChatClient {

	BidiStream<EchoRequest, EchoResponse> chat();

	@TripleMethod("Chat")
	StreamObserver<EchoRequest> chatAsync(StreamObserver<EchoResponse> responses);

	@TripleMethod(value = "Collect", type = MethodType.CLIENT_STREAMING)
	StreamObserver<EchoRequest> collect(StreamObserver<EchoResponse> response);

	EchoResponse echo(EchoRequest request);

	@TripleMethod("Echo")
	CompletableFuture<EchoResponse> echoAsync(EchoRequest request);

	@TripleMethod(value = "Echo", type = MethodType.UNARY)
	void echoObserved(EchoRequest request, StreamObserver<EchoResponse> response);

	ServerStream<EchoResponse> repeat(EchoRequest request);

	@TripleMethod("Repeat")
	void repeatAsync(EchoRequest request, StreamObserver<EchoResponse> responses);

	@TripleMethod(value = "Chat", idleTimeout = "500ms")
	BidiStream<EchoRequest, EchoResponse> impatientChat();

	@TripleMethod(value = "Chat", deadline = "700ms")
	BidiStream<EchoRequest, EchoResponse> boundedChat();

	static EchoRequest request(String text) {
		return EchoRequest.newBuilder().setText(text).build();
	}

	static EchoRequest request(String text, long seq) {
		return EchoRequest.newBuilder().setText(text).setSeq(seq).build();
	}

	static EchoResponse response(String text) {
		return EchoResponse.newBuilder().setText(text).build();
	}

	static EchoResponse response(String text, long seq) {
		return EchoResponse.newBuilder().setText(text).setSeq(seq).build();
	}

}
