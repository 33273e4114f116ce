package dev.triplestream.autoconfigure.elsewhere;

import dev.triplestream.client.TripleClient;

@TripleClient(channel = "echo", service = "triplestream.test.v1.EchoService")
public interface BadShapeClient {

	String echo(String text);

}
