package dev.triplestream.server;

import io.grpc.Channel;
import io.grpc.stub.StreamObserver;

import dev.triplestream.test.v1.EchoRequest;
import dev.triplestream.test.v1.EchoServiceGrpc;

/**
 * A client's side of one {@code EchoService/Chat} call, for tests: sends, half-closes, and takes
 * the responses and final status as they arrive.
 */
final class ChatCall extends RecordedResponses {

	private final StreamObserver<EchoRequest> requests;

	ChatCall(Channel channel) {
		this(EchoServiceGrpc.newStub(channel));
	}

	/** A call made with {@code stub}, such as one with a deadline. */
	ChatCall(EchoServiceGrpc.EchoServiceStub stub) {
		this.requests = stub.chat(this);
	}

	void send(long seq, String text) {
		this.requests.onNext(EchoRequest.newBuilder().setSeq(seq).setText(text).build());
	}

	void halfClose() {
		this.requests.onCompleted();
	}

}
