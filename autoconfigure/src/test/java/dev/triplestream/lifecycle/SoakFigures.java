package dev.triplestream.lifecycle;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import dev.triplestream.stream.EndReason;

/**
 * What the runs did, added up: runs, streams, ends by reason on each side, what the application
 * saw, and the thread and heap samples between runs. Printed at the end, and by the soak run.
 */
final class SoakFigures {

	private final long started = System.nanoTime();

	private int runs;

	private long clientStreams;

	private long serverCalls;

	private long handlerInvocations;

	private long handlersMatched;

	private long completeChecked;

	private long interrupts;

	private long operatorCancels;

	private long applicationThreads;

	private final Map<EndReason, Long> clientEnds = new EnumMap<>(EndReason.class);

	private final Map<EndReason, Long> serverEnds = new EnumMap<>(EndReason.class);

	private final List<String> samples = new ArrayList<>();

	synchronized void add(LifecycleRun run, RunChecks checks) {
		this.runs++;
		this.clientStreams += run.clientLedger.entries().size();
		this.serverCalls += run.serverLedger.entries().size();
		run.service.records().values().forEach((calls) -> this.handlerInvocations += calls.size());
		run.service.records().values().forEach((calls) -> this.handlersMatched += calls.stream()
			.filter((call) -> call.id >= 0)
			.count());
		this.completeChecked += checks.completeChecked;
		run.records.forEach((record) -> this.interrupts += record.interrupts.get());
		this.operatorCancels += run.operatorCancels.get();
		this.applicationThreads += run.workers.started();
		count(run.clientLedger, this.clientEnds);
		count(run.serverLedger, this.serverEnds);
	}

	private static void count(EndLedger ledger, Map<EndReason, Long> ends) {
		for (EndLedger.Entry entry : ledger.entries().values()) {
			if (entry.reason != null) {
				ends.merge(entry.reason, 1L, Long::sum);
			}
		}
	}

	/** A thread or heap sample taken between runs. */
	synchronized void sample(String sample) {
		this.samples.add(sample);
	}

	synchronized int runs() {
		return this.runs;
	}

	@Override
	public synchronized String toString() {
		long seconds = (System.nanoTime() - this.started) / 1_000_000_000L;
		return "runs " + this.runs + " in " + seconds + " s; client streams " + this.clientStreams
				+ ", server calls " + this.serverCalls + " (handler invocations " + this.handlerInvocations + ", "
				+ this.handlersMatched + " matched to their registry entry)"
				+ "; application threads " + this.applicationThreads + ", interrupts " + this.interrupts
				+ ", operator cancels " + this.operatorCancels + "; OK ends checked for completeness "
				+ this.completeChecked + "\n  client ends by reason: " + this.clientEnds
				+ "\n  server ends by reason: " + this.serverEnds + "\n  samples: " + String.join("; ", this.samples);
	}

}
