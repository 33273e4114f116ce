package dev.triplestream.interop.client;

import io.grpc.testing.integration.EmptyProtos.Empty;

import dev.triplestream.client.TripleClient;

/** A service the interop server does not serve at all. */
@TripleClient(channel = "interop", service = "grpc.testing.UnimplementedService")
interface UnimplementedServiceClient {

	Empty unimplementedCall(Empty request);

}
