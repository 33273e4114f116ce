package dev.triplestream.interop.client;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;

/**
 * A response observer that records what it is given, for tests of the asynchronous client shapes.
 * Thread-safe: gRPC calls it on its executor while the test thread reads it.
 */
final class RecordingObserver<T> implements StreamObserver<T> {

	private final List<T> values = new CopyOnWriteArrayList<>();

	private final CompletableFuture<Status> end = new CompletableFuture<>();

	@Override
	public void onNext(T value) {
		this.values.add(value);
	}

	@Override
	public void onError(Throwable error) {
		this.end.complete(Status.fromThrowable(error));
	}

	@Override
	public void onCompleted() {
		this.end.complete(Status.OK);
	}

	List<T> values() {
		return this.values;
	}

	/** Waits for the end of the call and returns its status. */
	Status awaitEnd(Duration timeout) throws Exception {
		return this.end.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
	}

}
