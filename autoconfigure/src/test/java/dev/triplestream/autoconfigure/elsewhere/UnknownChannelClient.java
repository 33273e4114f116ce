package dev.triplestream.autoconfigure.elsewhere;

import dev.triplestream.client.BidiStream;
import dev.triplestream.client.TripleClient;
import dev.triplestream.test.v1.EchoRequest;
import dev.triplestream.test.v1.EchoResponse;

@TripleClient(channel = "nope", service = "triplestream.test.v1.EchoService")
public interface UnknownChannelClient {

	BidiStream<EchoRequest, EchoResponse> chat();

}
