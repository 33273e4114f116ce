package dev.triplestream.server;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;

import dev.triplestream.test.v1.EchoRequest;
import dev.triplestream.test.v1.EchoResponse;
import dev.triplestream.test.v1.EchoServiceGrpc;

/**
 * A client's {@code EchoService/Repeat} call that does not read its responses until the test says
 * so: a plain {@link ClientCall} on which nobody calls {@code request}, so grpc-java's flow control
 * stops the server once the client's window is full.
 */
final class UnreadCall extends ClientCall.Listener<EchoResponse> {

	private final ClientCall<EchoRequest, EchoResponse> call;

	private final AtomicInteger received = new AtomicInteger();

	private final CompletableFuture<Status> status = new CompletableFuture<>();

	UnreadCall(Channel channel, String text, long count) {
		this.call = channel.newCall(EchoServiceGrpc.getRepeatMethod(), CallOptions.DEFAULT);
		this.call.start(this, new Metadata());
		this.call.sendMessage(EchoRequest.newBuilder().setText(text).setSeq(count).build());
		this.call.halfClose();
	}

	/** Starts reading: every response from now on. */
	void readAll() {
		this.call.request(Integer.MAX_VALUE);
	}

	@Override
	public void onMessage(EchoResponse message) {
		this.received.incrementAndGet();
	}

	@Override
	public void onClose(Status status, Metadata trailers) {
		this.status.complete(status);
	}

	int received() {
		return this.received.get();
	}

	boolean isDone() {
		return this.status.isDone();
	}

	Status awaitStatus() throws Exception {
		return this.status.get(20, TimeUnit.SECONDS);
	}

	void cancel() {
		this.call.cancel("test over", null);
	}

}
