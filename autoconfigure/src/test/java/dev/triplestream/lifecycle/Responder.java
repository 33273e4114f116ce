package dev.triplestream.lifecycle;

import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;

import dev.triplestream.lifecycle.StreamPlan.ServerPlan;
import dev.triplestream.test.v1.EchoResponse;

/**
 * One server call's response side in {@link ScriptedEchoService}: serialises the handler's sends,
 * completion and failure (the drain notice and the slow mode's timer act from other threads than
 * grpc's), records what was sent, and does nothing once the handler has ended the call.
 */
final class Responder {

	private final ServerCallStreamObserver<EchoResponse> responses;

	private final ServerCallRecord record;

	private final ScheduledExecutorService timer;

	private final List<String> problems;

	private boolean done;

	Responder(ServerCallStreamObserver<EchoResponse> responses, ServerCallRecord record,
			ScheduledExecutorService timer, List<String> problems) {
		this.responses = responses;
		this.record = record;
		this.timer = timer;
		this.problems = problems;
	}

	ServerPlan plan() {
		return this.record.plan();
	}

	synchronized void send(long seq) {
		if (!this.done) {
			this.responses.onNext(EchoResponse.newBuilder().setSeq(seq).setText("r").build());
			this.record.sent(seq);
		}
	}

	synchronized void burst() {
		for (int i = 0; i < plan().count(); i++) {
			send(1000 + i);
		}
	}

	synchronized void complete() {
		if (!this.done) {
			this.done = true;
			this.responses.onCompleted();
			this.record.completedOk();
		}
	}

	synchronized void burstAndComplete() {
		burst();
		complete();
	}

	synchronized void sendAndComplete(long seq) {
		send(seq);
		complete();
	}

	synchronized void fail() {
		if (!this.done) {
			this.done = true;
			this.responses.onError(Status.FAILED_PRECONDITION.withDescription("planned failure").asException());
		}
	}

	/** Runs {@code action} after the plan's delay, on the service's timer. */
	void later(Runnable action) {
		later(plan().delayMillis(), action);
	}

	void later(long delayMillis, Runnable action) {
		try {
			this.timer.schedule(() -> {
				try {
					action.run();
				}
				catch (RuntimeException ex) {
					this.problems.add(this.record.key() + ": a slow response failed: " + ex);
				}
			}, delayMillis, TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			// The run is over.
		}
	}

}
