package dev.triplestream.lifecycle;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The application threads of one run. A thread drops its task when the task returns, so that what
 * the task held (a stream handle) becomes unreachable as it would in an application, even while
 * the run still holds the thread to join it.
 */
final class Workers {

	private final String prefix;

	private final List<Thread> threads = new CopyOnWriteArrayList<>();

	private final List<String> failures = new CopyOnWriteArrayList<>();

	Workers(String prefix) {
		this.prefix = prefix;
	}

	/** Starts a thread named after {@code name}, counted among {@code record}'s threads. */
	Thread start(String name, ClientStreamRecord record, Runnable body) {
		if (record != null) {
			record.activeThreads.incrementAndGet();
		}
		Thread thread = new Thread(new Task(body, record, name), this.prefix + name);
		thread.setDaemon(true);
		this.threads.add(thread);
		thread.start();
		return thread;
	}

	/** Throwables that escaped a thread: a bug of the test, or an exception no API documents. */
	List<String> failures() {
		return this.failures;
	}

	/**
	 * Waits up to {@code bound} for every thread, including those started meanwhile, to finish.
	 * @return the threads still alive, each with its stack
	 */
	List<String> awaitAll(Duration bound) {
		long deadline = System.nanoTime() + bound.toNanos();
		for (int i = 0; i < this.threads.size(); i++) {
			Thread thread = this.threads.get(i);
			long left = deadline - System.nanoTime();
			try {
				thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
		}
		List<String> alive = new ArrayList<>();
		for (Thread thread : this.threads) {
			if (thread.isAlive()) {
				StringBuilder stack = new StringBuilder(thread.getName()).append(" (").append(thread.getState())
					.append(")");
				for (StackTraceElement frame : thread.getStackTrace()) {
					stack.append("\n\t\tat ").append(frame);
				}
				alive.add(stack.toString());
			}
		}
		return alive;
	}

	/** Interrupts the threads still alive, so that a failed run does not leave them behind. */
	void interruptAll() {
		this.threads.forEach(Thread::interrupt);
	}

	int started() {
		return this.threads.size();
	}

	/**
	 * Pauses the current thread for about {@code millis}: the random timing of an application
	 * thread, not a wait for a condition. Returns early, keeping the flag, when interrupted.
	 */
	static void pause(long millis) {
		long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
		long left;
		while ((left = until - System.nanoTime()) > 0 && !Thread.currentThread().isInterrupted()) {
			LockSupport.parkNanos(left);
		}
	}

	/** Waits until {@code nanoTime} (a timeline step of the test, not a wait for a condition). */
	static void waitUntil(long nanoTime) {
		long left;
		while ((left = nanoTime - System.nanoTime()) > 0) {
			LockSupport.parkNanos(left);
		}
	}

	private final class Task implements Runnable {

		private Runnable body;

		private final ClientStreamRecord record;

		private final String name;

		Task(Runnable body, ClientStreamRecord record, String name) {
			this.body = body;
			this.record = record;
			this.name = name;
		}

		@Override
		public void run() {
			Runnable task = this.body;
			this.body = null;
			try {
				task.run();
			}
			catch (Throwable ex) {
				Workers.this.failures.add(this.name + " failed: " + ex);
				if (this.record != null) {
					this.record.unexpected(this.name, ex);
				}
			}
			finally {
				if (this.record != null) {
					this.record.activeThreads.decrementAndGet();
				}
			}
		}

	}

}
