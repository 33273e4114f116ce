package dev.triplestream.server;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

import dev.triplestream.test.v1.EchoRequest;
import dev.triplestream.test.v1.EchoResponse;
import dev.triplestream.test.v1.EchoServiceGrpc;

/**
 * A client's side of one {@code EchoService/Repeat} call (server streaming), for tests.
 */
final class RepeatCall {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final BlockingQueue<EchoResponse> responses = new LinkedBlockingQueue<>();

	private final CompletableFuture<Status> status = new CompletableFuture<>();

	RepeatCall(Channel channel, String text) {
		EchoServiceGrpc.newStub(channel).repeat(EchoRequest.newBuilder().setText(text).build(), new StreamObserver<>() {

			@Override
			public void onNext(EchoResponse response) {
				RepeatCall.this.responses.add(response);
			}

			@Override
			public void onError(Throwable t) {
				RepeatCall.this.status.complete(Status.fromThrowable(t));
			}

			@Override
			public void onCompleted() {
				RepeatCall.this.status.complete(Status.OK);
			}

		});
	}

	/** The next response; fails when none arrives within 10 seconds. */
	EchoResponse next() throws InterruptedException {
		EchoResponse response = this.responses.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
		if (response == null) {
			throw new AssertionError("No response within " + WAIT + "; status: " + this.status.getNow(null));
		}
		return response;
	}

	/** The call's final status; fails when the call does not end within 10 seconds. */
	Status awaitStatus() throws Exception {
		return this.status.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
	}

	boolean isDone() {
		return this.status.isDone();
	}

}
