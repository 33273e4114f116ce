package dev.triplestream.benchmarks;

import java.lang.management.ManagementFactory;

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

	/**
	 * The CPU time of every live Java thread, in nanoseconds; -1 where the JVM does not measure it.
	 * Threads that ended are not counted, so only differences over a window in which the same
	 * threads ran mean anything.
	 */
	static long nanos() {
		if (THREADS == null) {
			return -1;
		}
		long total = 0;
		for (long time : THREADS.getThreadCpuTime(THREADS.getAllThreadIds())) {
			total += Math.max(0, time);
		}
		return total;
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
