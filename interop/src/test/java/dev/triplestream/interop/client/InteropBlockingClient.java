package dev.triplestream.interop.client;

import io.grpc.testing.integration.EmptyProtos.Empty;
import io.grpc.testing.integration.Messages.SimpleRequest;
import io.grpc.testing.integration.Messages.SimpleResponse;
import io.grpc.testing.integration.Messages.StreamingOutputCallRequest;
import io.grpc.testing.integration.Messages.StreamingOutputCallResponse;

import dev.triplestream.client.BidiStream;
import dev.triplestream.client.ServerStream;
import dev.triplestream.client.TripleClient;
import dev.triplestream.client.TripleMethod;

/** The interop {@code TestService} through the starter's blocking shapes, no generated stub. */
@TripleClient(channel = "interop", service = "grpc.testing.TestService")
interface InteropBlockingClient {

	Empty emptyCall(Empty request);

	SimpleResponse unaryCall(SimpleRequest request);

	ServerStream<StreamingOutputCallResponse> streamingOutputCall(StreamingOutputCallRequest request);

	BidiStream<StreamingOutputCallRequest, StreamingOutputCallResponse> fullDuplexCall();

	/** The interop suite's sleeping-server case gives the call 1 ms; this one gives it a little more. */
	@TripleMethod(value = "FullDuplexCall", deadline = "50ms")
	BidiStream<StreamingOutputCallRequest, StreamingOutputCallResponse> fullDuplexCallWithShortDeadline();

	/** Answers only after the half-close: every response is buffered until the client ends its side. */
	BidiStream<StreamingOutputCallRequest, StreamingOutputCallResponse> halfDuplexCall();

	/** A method the service declares but does not implement. */
	Empty unimplementedCall(Empty request);

}
