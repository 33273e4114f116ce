package dev.triplestream.client;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;

/** A response observer for the async method shapes: what arrived, and how the call ended. */
final class RecordingObserver<T> implements StreamObserver<T> {

	final List<T> values = new CopyOnWriteArrayList<>();

	private final CompletableFuture<Throwable> end = new CompletableFuture<>();

	@Override
	public void onNext(T value) {
		this.values.add(value);
	}

	@Override
	public void onError(Throwable error) {
		this.end.complete(error);
	}

	@Override
	public void onCompleted() {
		this.end.complete(null);
	}

	/** Waits for the end: null on completion, else the error. */
	Throwable awaitEnd() throws InterruptedException, ExecutionException, TimeoutException {
		return this.end.get(10, TimeUnit.SECONDS);
	}

	/** Waits for the end and returns its status: OK on completion. */
	Status awaitStatus() throws InterruptedException, ExecutionException, TimeoutException {
		Throwable error = awaitEnd();
		return (error != null) ? Status.fromThrowable(error) : Status.OK;
	}

	boolean isDone() {
		return this.end.isDone();
	}

}
