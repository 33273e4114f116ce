package dev.triplestream.interop.client;

import java.util.concurrent.CompletableFuture;

import io.grpc.MethodDescriptor.MethodType;
import io.grpc.stub.StreamObserver;
import io.grpc.testing.integration.Messages.SimpleRequest;
import io.grpc.testing.integration.Messages.SimpleResponse;
import io.grpc.testing.integration.Messages.StreamingInputCallRequest;
import io.grpc.testing.integration.Messages.StreamingInputCallResponse;
import io.grpc.testing.integration.Messages.StreamingOutputCallRequest;
import io.grpc.testing.integration.Messages.StreamingOutputCallResponse;

import dev.triplestream.client.TripleClient;
import dev.triplestream.client.TripleMethod;

/** The interop {@code TestService} through the starter's asynchronous shapes. */
@TripleClient(channel = "interop", service = "grpc.testing.TestService")
interface InteropAsyncClient {

	CompletableFuture<SimpleResponse> unaryCall(SimpleRequest request);

	@TripleMethod(type = MethodType.CLIENT_STREAMING)
	StreamObserver<StreamingInputCallRequest> streamingInputCall(StreamObserver<StreamingInputCallResponse> responses);

	void streamingOutputCall(StreamingOutputCallRequest request, StreamObserver<StreamingOutputCallResponse> responses);

	StreamObserver<StreamingOutputCallRequest> fullDuplexCall(StreamObserver<StreamingOutputCallResponse> responses);

	StreamObserver<StreamingOutputCallRequest> halfDuplexCall(StreamObserver<StreamingOutputCallResponse> responses);

}
