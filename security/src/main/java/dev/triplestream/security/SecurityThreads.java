package dev.triplestream.security;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The security interceptor's own daemon threads, each pool started by its first use so that an
 * application that needs none has none: one timer that ends calls when their credentials expire
 * (calls whose credentials do not expire never touch it), and up to {@value #AUTHENTICATION_THREADS}
 * threads that authenticate the calls a transport thread starts (a server configured with a direct
 * executor), since authentication may block. Thread-safe.
 */
final class SecurityThreads implements AutoCloseable {

	static final int AUTHENTICATION_THREADS = 8;

	private ScheduledThreadPoolExecutor expiryTimer;

	private ThreadPoolExecutor authentication;

	private boolean closed;

	/** Runs {@code task} after {@code delay}; null when closed (the context is closing). */
	Future<?> schedule(Runnable task, Duration delay) {
		ScheduledThreadPoolExecutor timer;
		synchronized (this) {
			if (this.closed) {
				return null;
			}
			if (this.expiryTimer == null) {
				this.expiryTimer = new ScheduledThreadPoolExecutor(1, daemonThreads("triple-credentials-expiry"));
				this.expiryTimer.setRemoveOnCancelPolicy(true);
			}
			timer = this.expiryTimer;
		}
		try {
			return timer.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			return null;
		}
	}

	/**
	 * Where authentication runs for calls started on a transport thread.
	 * @throws RejectedExecutionException once closed
	 */
	Executor authentication() {
		synchronized (this) {
			if (this.closed) {
				throw new RejectedExecutionException("The security interceptor has stopped");
			}
			if (this.authentication == null) {
				this.authentication = new ThreadPoolExecutor(AUTHENTICATION_THREADS, AUTHENTICATION_THREADS, 30,
						TimeUnit.SECONDS, new LinkedBlockingQueue<>(), daemonThreads("triple-authentication"));
				this.authentication.allowCoreThreadTimeOut(true);
			}
			return this.authentication;
		}
	}

	@Override
	public synchronized void close() {
		this.closed = true;
		if (this.expiryTimer != null) {
			this.expiryTimer.shutdownNow();
		}
		if (this.authentication != null) {
			this.authentication.shutdown();
		}
	}

	private static ThreadFactory daemonThreads(String name) {
		AtomicInteger count = new AtomicInteger();
		return (task) -> {
			Thread thread = new Thread(task, name + "-" + count.incrementAndGet());
			thread.setDaemon(true);
			thread.setContextClassLoader(SecurityThreads.class.getClassLoader());
			return thread;
		};
	}

}
