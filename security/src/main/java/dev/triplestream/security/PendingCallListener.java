package dev.triplestream.security;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import io.grpc.ServerCall;

/**
 * The listener of a call whose authentication runs on another thread: keeps the callbacks that
 * arrive meanwhile (no message can: nothing has requested one before the handler starts, but a
 * half-close, a cancellation or readiness can), then, once {@link #start} gives it the call's real
 * listener, replays them in order and forwards every later callback. Callbacks are never run
 * concurrently: grpc-java's go straight to the real listener only once the replay is over.
 * Thread-safe; no lock is held while a callback runs.
 */
final class PendingCallListener<Q> extends ServerCall.Listener<Q> {

	private final Object lock = new Object();

	/** Guarded by {@link #lock}; null once started. */
	private List<Consumer<ServerCall.Listener<Q>>> pending = new ArrayList<>(2);

	private volatile ServerCall.Listener<Q> listener;

	/** Replays the callbacks kept so far to {@code listener}, then forwards to it. Called once. */
	void start(ServerCall.Listener<Q> started) {
		while (true) {
			List<Consumer<ServerCall.Listener<Q>>> batch;
			synchronized (this.lock) {
				if (this.pending.isEmpty()) {
					this.pending = null;
					this.listener = started;
					return;
				}
				batch = this.pending;
				this.pending = new ArrayList<>(2);
			}
			batch.forEach((callback) -> callback.accept(started));
		}
	}

	private void deliver(Consumer<ServerCall.Listener<Q>> callback) {
		ServerCall.Listener<Q> started = this.listener;
		if (started == null) {
			synchronized (this.lock) {
				started = this.listener;
				if (started == null) {
					this.pending.add(callback);
					return;
				}
			}
		}
		callback.accept(started);
	}

	@Override
	public void onMessage(Q message) {
		deliver((started) -> started.onMessage(message));
	}

	@Override
	public void onHalfClose() {
		deliver(ServerCall.Listener::onHalfClose);
	}

	@Override
	public void onCancel() {
		deliver(ServerCall.Listener::onCancel);
	}

	@Override
	public void onComplete() {
		deliver(ServerCall.Listener::onComplete);
	}

	@Override
	public void onReady() {
		deliver(ServerCall.Listener::onReady);
	}

}
