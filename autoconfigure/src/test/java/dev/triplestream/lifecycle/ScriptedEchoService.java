package dev.triplestream.lifecycle;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

import dev.triplestream.lifecycle.StreamPlan.ServerMode;
import dev.triplestream.lifecycle.StreamPlan.ServerPlan;
import dev.triplestream.server.ServerStreamContext;
import dev.triplestream.test.v1.EchoRequest;
import dev.triplestream.test.v1.EchoResponse;
import dev.triplestream.test.v1.EchoServiceGrpc;

/**
 * The randomized test's service: each call behaves as the plan in its header says (see
 * {@link ServerMode}), and leaves a {@link ServerCallRecord}. A handler's sends, completion and
 * failure go through one {@link Responder} per call. Responses carry the request's seq (echoes),
 * the number of messages (collect) or 1000 and up (bursts).
 */
final class ScriptedEchoService extends EchoServiceGrpc.EchoServiceImplBase implements AutoCloseable {

	/** The message of what the {@link ServerMode#THROW} handlers throw. */
	static final String PLANNED_FAILURE = "planned handler failure";

	private final Map<String, List<ServerCallRecord>> records = new ConcurrentHashMap<>();

	private final List<String> problems = new CopyOnWriteArrayList<>();

	private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, (task) -> {
		Thread thread = new Thread(task, "lifecycle-server-timer");
		thread.setDaemon(true);
		return thread;
	});

	/** Every handler invocation, by stream key. */
	Map<String, List<ServerCallRecord>> records() {
		return this.records;
	}

	/** Handler invocations that had no plan, or failed in a way no plan asked for. */
	List<String> problems() {
		return this.problems;
	}

	@Override
	public StreamObserver<EchoRequest> chat(StreamObserver<EchoResponse> observer) {
		Responder out = begin("Chat", observer);
		ServerMode mode = out.plan().mode();
		if (mode == ServerMode.BURST) {
			out.burstAndComplete();
		}
		return new Requests() {

			@Override
			void message(EchoRequest request, int count) {
				switch (mode) {
					case ECHO, HOLD, DRAIN_AWARE -> out.send(request.getSeq());
					case SLOW -> out.later(() -> out.send(request.getSeq()));
					case FAIL -> {
						out.send(request.getSeq());
						if (count >= Math.max(out.plan().count(), 1)) {
							out.fail();
						}
					}
					case THROW -> {
						if (count > out.plan().count()) {
							throw new IllegalStateException(PLANNED_FAILURE);
						}
						out.send(request.getSeq());
					}
					default -> {
					}
				}
			}

			@Override
			void halfClosed(int count) {
				switch (mode) {
					case ECHO, DRAIN_AWARE -> out.complete();
					case BURST_ON_HALF_CLOSE -> out.burstAndComplete();
					case FAIL -> out.fail();
					case SLOW -> out.later(out::complete);
					case THROW -> throw new IllegalStateException(PLANNED_FAILURE + " at half-close");
					default -> {
					}
				}
			}

		};
	}

	@Override
	public StreamObserver<EchoRequest> collect(StreamObserver<EchoResponse> observer) {
		Responder out = begin("Collect", observer);
		ServerMode mode = out.plan().mode();
		return new Requests() {

			@Override
			void message(EchoRequest request, int count) {
				if (mode == ServerMode.BURST) {
					out.sendAndComplete(1000);
				}
				else if (mode == ServerMode.FAIL && count >= Math.max(out.plan().count(), 1)) {
					out.fail();
				}
				else if (mode == ServerMode.THROW && count > out.plan().count()) {
					throw new IllegalStateException(PLANNED_FAILURE);
				}
			}

			@Override
			void halfClosed(int count) {
				switch (mode) {
					case ECHO, BURST_ON_HALF_CLOSE, DRAIN_AWARE -> out.sendAndComplete(count);
					case FAIL -> out.fail();
					case SLOW -> out.later(() -> out.sendAndComplete(count));
					case THROW -> throw new IllegalStateException(PLANNED_FAILURE + " at half-close");
					default -> {
					}
				}
			}

		};
	}

	@Override
	public void repeat(EchoRequest request, StreamObserver<EchoResponse> observer) {
		Responder out = begin("Repeat", observer);
		ServerPlan plan = out.plan();
		switch (plan.mode()) {
			case ECHO, BURST, BURST_ON_HALF_CLOSE -> out.burstAndComplete();
			case HOLD, DRAIN_AWARE -> out.burst();
			case FAIL -> {
				out.burst();
				out.fail();
			}
			case SLOW -> {
				for (int i = 0; i < plan.count(); i++) {
					long seq = 1000 + i;
					out.later((i + 1) * (long) plan.delayMillis(), () -> out.send(seq));
				}
				out.later((plan.count() + 1) * (long) plan.delayMillis(), out::complete);
			}
			case THROW -> {
				out.burst();
				throw new IllegalStateException(PLANNED_FAILURE);
			}
		}
	}

	@Override
	public void echo(EchoRequest request, StreamObserver<EchoResponse> observer) {
		Responder out = begin("Echo", observer);
		switch (out.plan().mode()) {
			case ECHO, BURST, BURST_ON_HALF_CLOSE -> out.sendAndComplete(request.getSeq());
			case FAIL -> out.fail();
			case SLOW -> out.later(() -> out.sendAndComplete(request.getSeq()));
			case DRAIN_AWARE -> {
				// Answers when the server drains, if the call lives that long.
			}
			case THROW -> throw new IllegalStateException(PLANNED_FAILURE);
			case HOLD -> {
			}
		}
	}

	/** Starts a handler invocation: its record, its end callbacks, its drain action. */
	private Responder begin(String method, StreamObserver<EchoResponse> observer) {
		StreamPlan.ServerPlan.Keyed keyed = PlanHeaders.PLAN.get();
		if (keyed == null) {
			this.problems.add(method + " called without a plan header");
			keyed = new StreamPlan.ServerPlan.Keyed("unplanned", new ServerPlan(ServerMode.HOLD, 0, 0));
		}
		ServerCallRecord record = new ServerCallRecord(keyed.key(), method, keyed.plan());
		EndLedger.Entry entry = EndLedger.SERVER_ENTRY.get();
		if (entry != null) {
			entry.attach(record);
		}
		this.records.computeIfAbsent(keyed.key(), (key) -> new CopyOnWriteArrayList<>()).add(record);
		ServerCallStreamObserver<EchoResponse> responses = (ServerCallStreamObserver<EchoResponse>) observer;
		responses.setOnCancelHandler(() -> record.ended("cancel"));
		responses.setOnCloseHandler(() -> record.ended("close"));
		Responder out = new Responder(responses, record, this.timer, this.problems);
		if (keyed.plan().mode() == ServerMode.DRAIN_AWARE) {
			ServerStreamContext.current().onDrain(() -> {
				if (method.equals("Echo") || method.equals("Collect")) {
					out.sendAndComplete(0);
				}
				else {
					out.complete();
				}
			});
		}
		return out;
	}

	@Override
	public void close() {
		this.timer.shutdownNow();
	}

	/** A handler's request observer: counts messages and hands them to the mode. */
	private abstract static class Requests implements StreamObserver<EchoRequest> {

		private int count;

		abstract void message(EchoRequest request, int count);

		abstract void halfClosed(int count);

		@Override
		public void onNext(EchoRequest request) {
			message(request, ++this.count);
		}

		@Override
		public void onError(Throwable failure) {
			// The client cancelled: the cancel handler records it.
		}

		@Override
		public void onCompleted() {
			halfClosed(this.count);
		}

	}

}
