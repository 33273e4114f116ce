package dev.triplestream.test.autoconfigure.app;

import dev.triplestream.client.BidiStream;
import dev.triplestream.client.TripleClient;
import dev.triplestream.slicetest.v1.EchoRequest;
import dev.triplestream.slicetest.v1.EchoResponse;

@TripleClient(channel = "echo", service = "triplestream.slicetest.v1.EchoService")
public interface EchoClient {

	EchoResponse echo(EchoRequest request);

	BidiStream<EchoRequest, EchoResponse> chat();

}
