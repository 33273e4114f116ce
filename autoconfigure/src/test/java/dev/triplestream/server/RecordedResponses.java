package dev.triplestream.server;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;

import dev.triplestream.test.v1.EchoRequest;
import dev.triplestream.test.v1.EchoResponse;

/**
 * The response side of one test call: responses and the final status as they arrive, with bounded
 * waits for both.
 */
class RecordedResponses implements ClientResponseObserver<EchoRequest, EchoResponse> {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final BlockingQueue<EchoResponse> responses = new LinkedBlockingQueue<>();

	private final CompletableFuture<Status> status = new CompletableFuture<>();

	private volatile ClientCallStreamObserver<EchoRequest> requestStream;

	@Override
	public void beforeStart(ClientCallStreamObserver<EchoRequest> requestStream) {
		this.requestStream = requestStream;
	}

	@Override
	public void onNext(EchoResponse response) {
		this.responses.add(response);
	}

	@Override
	public void onError(Throwable t) {
		this.status.complete(Status.fromThrowable(t));
	}

	@Override
	public void onCompleted() {
		this.status.complete(Status.OK);
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
