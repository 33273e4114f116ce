package dev.triplestream.lifecycle;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import io.grpc.Status;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

import dev.triplestream.stream.EndReason;
import dev.triplestream.stream.StreamRegistry;
import dev.triplestream.stream.StreamSide;

/**
 * The invariants of a finished run. Callbacks that grpc delivers on its own threads (an observer's
 * end, a handler's cancel) are given a few seconds to arrive; everything else must hold at once.
 */
final class RunChecks {

	/** How long callbacks still on their way may take. */
	private static final Duration CALLBACKS = Duration.ofSeconds(5);

	private final LifecycleRun run;

	private final List<String> violations = new ArrayList<>();

	/** How many OK ends the application was told of had all the server's responses checked. */
	int completeChecked;

	private RunChecks(LifecycleRun run) {
		this.run = run;
	}

	static RunChecks of(LifecycleRun run) {
		RunChecks checks = new RunChecks(run);
		checks.check();
		return checks;
	}

	List<String> violations() {
		return this.violations;
	}

	private void check() {
		this.run.stuck.forEach((thread) -> fail("thread still running " + LifecycleRun.THREADS_BOUND
				+ " after the shutdown (blocked?): " + thread));
		this.run.workers.failures().forEach((failure) -> fail("application thread: " + failure));
		this.run.shutdownFailures().forEach((failure) -> fail("shutdown: " + failure));
		this.run.service.problems().forEach((problem) -> fail("server handler: " + problem));
		ledger(this.run.clientLedger, this.run.clientRegistry);
		ledger(this.run.serverLedger, this.run.serverRegistry);
		this.run.records.forEach(this::clientStream);
		this.run.service.records().values().forEach((calls) -> calls.forEach(this::serverCall));
	}

	/** Every opened id closed exactly once, with a reason; the registry empty. */
	private void ledger(EndLedger ledger, StreamRegistry registry) {
		StreamSide side = ledger.side();
		ledger.problems().forEach((problem) -> fail(side + ": " + problem));
		within(() -> ledger.entries().values().stream().allMatch((entry) -> entry.closed.get() > 0));
		for (EndLedger.Entry entry : ledger.entries().values()) {
			if (entry.opened.get() != 1 || entry.closed.get() != 1) {
				fail(side + ": not opened and closed exactly once: " + entry);
			}
		}
		if (!within(() -> registry.count(side) == 0 && registry.streams().isEmpty())) {
			fail(side + " registry not empty after the run: count " + registry.count(side) + ", " + registry.streams());
		}
	}

	private void clientStream(ClientStreamRecord record) {
		record.unexpected().forEach((failure) -> fail(record + ": unexpected " + failure));
		if (record.ids.size() > 1) {
			fail(record + ": one stream made several calls " + record.ids);
		}
		if (record.isAsynchronous() && !within(() -> record.terminals.get() > 0)) {
			fail(record + ": its observer or future was never told of the end");
		}
		if (record.terminals.get() > 1) {
			fail(record + ": its observer was told of the end " + record.terminals + " times");
		}
		List<Status> ends = record.ends();
		if (ends.stream().map(Status::isOk).distinct().count() > 1) {
			fail(record + ": the application was told of an OK end and of a failure");
		}
		EndLedger.Entry entry = record.ids.isEmpty() ? null : this.run.clientLedger.entries().get(record.ids.get(0));
		if (entry != null && entry.closed.get() > 0) {
			for (Status end : ends) {
				String disagreement = disagreement(entry.reason, end);
				if (disagreement != null) {
					fail(record + ": end reason " + entry.reason + " (" + entry.status + ") but the application was told "
							+ end + ": " + disagreement);
				}
			}
		}
		if (ends.stream().anyMatch(Status::isOk) && !record.okAfterClose()) {
			allResponsesReceived(record);
		}
	}

	/** An OK end the application was told of: it had every response the handler sent. */
	private void allResponsesReceived(ClientStreamRecord record) {
		List<ServerCallRecord> calls = this.run.service.records().getOrDefault(record.plan().key(), List.of());
		List<ServerCallRecord> completed = calls.stream().filter(ServerCallRecord::isCompletedOk).toList();
		if (completed.size() != 1) {
			fail(record + ": told of an OK end, but " + completed.size() + " handler invocation(s) completed with OK: "
					+ calls);
			return;
		}
		List<Long> sent = completed.get(0).sentSeqs();
		List<Long> received = record.receivedSeqs();
		this.completeChecked++;
		if (!sent.equals(received)) {
			fail(record + ": told of an OK end after receiving " + received + ", but the server sent " + sent
					+ " before completing");
		}
	}

	/** Every handler invocation was told of its end once; a normal server end is a handler's OK. */
	private void serverCall(ServerCallRecord call) {
		if (!within(() -> !call.ends().isEmpty())) {
			fail("server call " + call + ": the handler was never told of the end (no cancel, no close)");
		}
		if (call.ends().size() > 1) {
			fail("server call " + call + ": the handler was told of the end " + call.ends().size() + " times");
		}
		EndLedger.Entry entry = (call.id >= 0) ? this.run.serverLedger.entries().get(call.id) : null;
		if (entry != null && entry.reason != null && entry.reason.isNormal() && !call.isCompletedOk()) {
			fail("server call " + call + ": ended as " + entry.reason + " (" + entry.status
					+ ") though the handler never completed it with OK");
		}
	}

	/**
	 * Why the status the application was told of does not fit the recorded end reason, or null when
	 * it does (see {@link EndReason}: the reason says who ended the stream, the status how; the two
	 * agree).
	 */
	static String disagreement(EndReason reason, Status told) {
		if (reason == null) {
			return "no end reason";
		}
		if (told.isOk() != reason.isNormal()) {
			return (reason.isNormal() ? "a normal end" : "an abnormal end") + " reported as " + told.getCode();
		}
		Status.Code expected = switch (reason) {
			case DEADLINE, IDLE_TIMEOUT -> Status.Code.DEADLINE_EXCEEDED;
			case CANCELLED_BY_APPLICATION, CANCELLED_BY_OPERATOR, CLOSE_TIMEOUT, ABANDONED, SHUTDOWN_CANCELLED ->
				Status.Code.CANCELLED;
			case REFUSED -> Status.Code.UNAVAILABLE;
			default -> null;
		};
		return (expected == null || told.getCode() == expected) ? null : "expected " + expected;
	}

	private void fail(String violation) {
		this.violations.add(violation);
	}

	private static boolean within(BooleanSupplier condition) {
		try {
			Awaitility.await().atMost(CALLBACKS).pollInterval(Duration.ofMillis(20)).until(condition::getAsBoolean);
			return true;
		}
		catch (ConditionTimeoutException ex) {
			return false;
		}
	}

}
