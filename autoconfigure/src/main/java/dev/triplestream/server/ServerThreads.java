package dev.triplestream.server;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads of one run of a {@link TripleServer}: a daemon timer for the calls' idle and max-age
 * clocks, a few daemon threads for the handlers' drain actions, and one non-daemon thread that keeps
 * the JVM up while the server runs. gRPC's own threads are daemons: without a web server, nothing
 * else would keep the JVM up once {@code main} returns (Boot's web servers do the same).
 */
final class ServerThreads {

	/** How many threads run drain actions at most. */
	private static final int DRAIN_THREADS = 4;

	private final ScheduledThreadPoolExecutor timer;

	private final ThreadPoolExecutor drainActions;

	private final CountDownLatch stopped = new CountDownLatch(1);

	/** Starts the threads. */
	ServerThreads() {
		this.timer = new ScheduledThreadPoolExecutor(1, daemonThreads("triple-server-timer"));
		this.timer.setRemoveOnCancelPolicy(true);
		this.drainActions = new ThreadPoolExecutor(DRAIN_THREADS, DRAIN_THREADS, 10, TimeUnit.SECONDS,
				new LinkedBlockingQueue<>(), daemonThreads("triple-server-drain"));
		this.drainActions.allowCoreThreadTimeOut(true);
		Thread awaiter = new Thread(() -> {
			try {
				this.stopped.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}, "triple-server-await");
		awaiter.setContextClassLoader(TripleServer.class.getClassLoader());
		awaiter.setDaemon(false);
		awaiter.start();
	}

	ScheduledExecutorService timer() {
		return this.timer;
	}

	Executor drainActions() {
		return this.drainActions;
	}

	/**
	 * Stops the timer now, lets the drain actions already submitted run, and lets the JVM exit.
	 * Idempotent.
	 */
	void stop() {
		this.timer.shutdownNow();
		this.drainActions.shutdown();
		this.stopped.countDown();
	}

	private static ThreadFactory daemonThreads(String name) {
		AtomicInteger count = new AtomicInteger();
		return (task) -> {
			Thread thread = new Thread(task, name + "-" + count.incrementAndGet());
			thread.setDaemon(true);
			thread.setContextClassLoader(TripleServer.class.getClassLoader());
			return thread;
		};
	}

}
