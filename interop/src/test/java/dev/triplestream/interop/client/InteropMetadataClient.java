package dev.triplestream.interop.client;

import io.grpc.testing.integration.Messages.SimpleRequest;
import io.grpc.testing.integration.Messages.SimpleResponse;
import io.grpc.testing.integration.Messages.StreamingOutputCallRequest;
import io.grpc.testing.integration.Messages.StreamingOutputCallResponse;

import dev.triplestream.client.BidiStream;
import dev.triplestream.client.TripleClient;

/**
 * The interop {@code TestService} on a channel that sends the metadata the server echoes back
 * ({@code custom_metadata}): the initial key as a static channel header, the binary trailing key
 * through an interceptor.
 */
@TripleClient(channel = "interop-metadata", service = "grpc.testing.TestService")
interface InteropMetadataClient {

	SimpleResponse unaryCall(SimpleRequest request);

	BidiStream<StreamingOutputCallRequest, StreamingOutputCallResponse> fullDuplexCall();

}
