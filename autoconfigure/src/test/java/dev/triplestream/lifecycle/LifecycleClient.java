package dev.triplestream.lifecycle;

import java.util.concurrent.CompletableFuture;

import io.grpc.MethodDescriptor.MethodType;
import io.grpc.stub.StreamObserver;

import dev.triplestream.client.BidiStream;
import dev.triplestream.client.RequestObserver;
import dev.triplestream.client.ServerStream;
import dev.triplestream.client.TripleClient;
import dev.triplestream.client.TripleMethod;
import dev.triplestream.test.v1.EchoRequest;
import dev.triplestream.test.v1.EchoResponse;

/**
 * The randomized test's client of the test proto's {@code EchoService}: one method per shape the
 * test drives. Every channel name maps to the channel a stream was planned on.
 */
@TripleClient(channel = "random", service = "triplestream.test.v1.EchoService")
interface LifecycleClient {

	BidiStream<EchoRequest, EchoResponse> chat();

	@TripleMethod("Chat")
	RequestObserver<EchoRequest> chatAsync(StreamObserver<EchoResponse> responses);

	@TripleMethod(value = "Collect", type = MethodType.CLIENT_STREAMING)
	RequestObserver<EchoRequest> collect(StreamObserver<EchoResponse> response);

	EchoResponse echo(EchoRequest request);

	@TripleMethod("Echo")
	CompletableFuture<EchoResponse> echoAsync(EchoRequest request);

	ServerStream<EchoResponse> repeat(EchoRequest request);

	@TripleMethod("Repeat")
	void repeatAsync(EchoRequest request, StreamObserver<EchoResponse> responses);

}
