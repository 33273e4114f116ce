package dev.triplestream.server;

import io.grpc.Channel;

import dev.triplestream.test.v1.EchoRequest;
import dev.triplestream.test.v1.EchoServiceGrpc;

/**
 * A client's side of one {@code EchoService/Repeat} call (server streaming), for tests.
 */
final class RepeatCall extends RecordedResponses {

	RepeatCall(Channel channel, String text) {
		EchoServiceGrpc.newStub(channel).repeat(EchoRequest.newBuilder().setText(text).build(), this);
	}

}
