package dev.triplestream.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;

/**
 * CPU time used by the JVM's Java threads: the event loops, the executors and the benchmark's own
 * threads, client and server alike. The compiler and garbage-collector threads are not Java
 * threads and are left out. On a shared machine a contender's rate depends on how much CPU the
 * rest of the machine leaves it; the CPU it spends per message does much less, so the two together
 * tell a slower client from a starved one.
 */
final class ThreadCpu {

	private static final com.sun.management.ThreadMXBean THREADS = threads();

	private ThreadCpu() {
	}

	/** The CPU time of every live Java thread so far; see {@link Snapshot#nanosSince}. */
	static Snapshot now() {
		if (THREADS == null) {
			return new Snapshot(null, null);
		}
		long[] ids = THREADS.getAllThreadIds();
		return new Snapshot(ids, THREADS.getThreadCpuTime(ids));
	}

	/** The CPU time of each live Java thread at one moment. */
	static final class Snapshot {

		private final Map<Long, Long> nanos = new HashMap<>();

		private final boolean known;

		private Snapshot(long[] ids, long[] times) {
			this.known = ids != null;
			if (ids != null) {
				for (int i = 0; i < ids.length; i++) {
					if (times[i] >= 0) {
						this.nanos.put(ids[i], times[i]);
					}
				}
			}
		}

		/**
		 * CPU nanoseconds the Java threads used between {@code earlier} and this snapshot, or -1
		 * where the JVM does not measure it. A thread that ended in between is left out (an idle
		 * pool thread, usually); one that started counts from zero.
		 */
		long nanosSince(Snapshot earlier) {
			if (!this.known || !earlier.known) {
				return -1;
			}
			long total = 0;
			for (Map.Entry<Long, Long> entry : this.nanos.entrySet()) {
				total += entry.getValue() - earlier.nanos.getOrDefault(entry.getKey(), 0L);
			}
			return total;
		}

	}

	private static com.sun.management.ThreadMXBean threads() {
		if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads
				&& threads.isThreadCpuTimeSupported()) {
			if (!threads.isThreadCpuTimeEnabled()) {
				threads.setThreadCpuTimeEnabled(true);
			}
			return threads;
		}
		return null;
	}

}
