package dev.triplestream.server;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;

import dev.triplestream.test.v1.EchoRequest;
import dev.triplestream.test.v1.EchoResponse;
import dev.triplestream.test.v1.EchoServiceGrpc;

/**
 * A client's side of one {@code EchoService/Chat} call, for tests: sends, half-closes, and takes
 * the responses and final status as they arrive.
 */
final class ChatCall {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final BlockingQueue<EchoResponse> responses = new LinkedBlockingQueue<>();

	private final CompletableFuture<Status> status = new CompletableFuture<>();

	private final StreamObserver<EchoRequest> requests;

	private volatile ClientCallStreamObserver<EchoRequest> requestStream;

	ChatCall(Channel channel) {
		this.requests = EchoServiceGrpc.newStub(channel).chat(new ClientResponseObserver<EchoRequest, EchoResponse>() {

			@Override
			public void beforeStart(ClientCallStreamObserver<EchoRequest> requestStream) {
				ChatCall.this.requestStream = requestStream;
			}

			@Override
			public void onNext(EchoResponse response) {
				ChatCall.this.responses.add(response);
			}

			@Override
			public void onError(Throwable t) {
				ChatCall.this.status.complete(Status.fromThrowable(t));
			}

			@Override
			public void onCompleted() {
				ChatCall.this.status.complete(Status.OK);
			}

		});
	}

	void send(long seq, String text) {
		this.requests.onNext(EchoRequest.newBuilder().setSeq(seq).setText(text).build());
	}

	void halfClose() {
		this.requests.onCompleted();
	}

	/** Cancels the call from the client side. */
	void cancel() {
		this.requestStream.cancel("cancelled by the test", null);
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
