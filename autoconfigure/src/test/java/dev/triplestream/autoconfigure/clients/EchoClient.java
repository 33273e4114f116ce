package dev.triplestream.autoconfigure.clients;

import dev.triplestream.client.BidiStream;
import dev.triplestream.client.TripleClient;
import dev.triplestream.test.v1.EchoRequest;
import dev.triplestream.test.v1.EchoResponse;

@TripleClient(channel = "echo", service = "triplestream.test.v1.EchoService")
public interface EchoClient {

	BidiStream<EchoRequest, EchoResponse> chat();

	EchoResponse echo(EchoRequest request);

}
