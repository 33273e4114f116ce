package dev.triplestream.benchmarks;

import java.util.concurrent.CompletableFuture;

import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;

import dev.triplestream.benchmarks.v1.Ping;

/**
 * The response side of one async stream in the scenarios that need only its first response and
 * its end: both as futures, with the instant ({@code nanoTime}) each arrived.
 */
final class Exchange implements ClientResponseObserver<Ping, Ping> {

	final CompletableFuture<Ping> first = new CompletableFuture<>();

	final CompletableFuture<Status> end = new CompletableFuture<>();

	volatile long firstAt;

	volatile long endAt;

	private volatile ClientCallStreamObserver<Ping> requests;

	@Override
	public void beforeStart(ClientCallStreamObserver<Ping> requestStream) {
		this.requests = requestStream;
	}

	/** The request side, with {@code cancel}; the same object the opening call returned. */
	ClientCallStreamObserver<Ping> requests() {
		return this.requests;
	}

	@Override
	public void onNext(Ping value) {
		if (!this.first.isDone()) {
			this.firstAt = System.nanoTime();
			this.first.complete(value);
		}
	}

	@Override
	public void onError(Throwable error) {
		this.endAt = System.nanoTime();
		this.first.completeExceptionally(error);
		this.end.complete(Status.fromThrowable(error));
	}

	@Override
	public void onCompleted() {
		this.endAt = System.nanoTime();
		this.first.completeExceptionally(new IllegalStateException("the stream ended OK without a response"));
		this.end.complete(Status.OK);
	}

}
