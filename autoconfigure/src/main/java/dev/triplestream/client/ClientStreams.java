package dev.triplestream.client;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.grpc.ClientInterceptor;
import io.grpc.Status;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.triplestream.stream.StreamRegistry;
import dev.triplestream.stream.StreamSide;
import dev.triplestream.stream.TrackedStream;

/**
 * The client side's stream lifecycle: the interceptor every channel installs, the timer behind
 * idle timeouts, and the {@linkplain #drain() drain} of open streams when the application context
 * shuts down.
 * <p>
 * In a Spring context the drain is run by {@link ClientStreamsLifecycle}, not by this class: the
 * channels depend on this bean, and Spring stops a lifecycle bean's dependents before the bean
 * itself, which would close the channels before the drain.
 */
public class ClientStreams implements AutoCloseable {

	/** The description of calls refused or cancelled because the context is shutting down. */
	public static final String SHUTTING_DOWN = "application context is shutting down";

	private static final Log logger = LogFactory.getLog(ClientStreams.class);

	private final StreamRegistry registry;

	private final Duration gracePeriod;

	private final LeakDetection leakDetection;

	private final ScheduledThreadPoolExecutor timer;

	private volatile boolean shuttingDown;

	/**
	 * @param registry where open calls are tracked
	 * @param gracePeriod how long the shutdown drain waits for half-closed streams to end
	 * @param leakDetection what happens to blocking stream handles dropped without being ended
	 */
	public ClientStreams(StreamRegistry registry, Duration gracePeriod, LeakDetection leakDetection) {
		this.registry = registry;
		this.gracePeriod = gracePeriod;
		this.leakDetection = leakDetection;
		this.timer = new ScheduledThreadPoolExecutor(1, (task) -> {
			Thread thread = new Thread(task, "triplestream-client-timer");
			thread.setDaemon(true);
			return thread;
		});
		this.timer.setRemoveOnCancelPolicy(true);
	}

	public StreamRegistry registry() {
		return this.registry;
	}

	public LeakDetection leakDetection() {
		return this.leakDetection;
	}

	/**
	 * The interceptor that tracks, times and drains every call of one channel. Install it last
	 * with {@code ManagedChannelBuilder.intercept(...)} so that it runs first and sees the calls as
	 * the application made them.
	 */
	public ClientInterceptor interceptor(String channelName, String target, StreamSettings settings) {
		return new StreamLifecycleInterceptor(this, channelName, target, settings);
	}

	/** Whether the drain has begun: new calls are refused from then on. */
	public boolean isShuttingDown() {
		return this.shuttingDown;
	}

	ScheduledExecutorService timer() {
		return this.timer;
	}

	/** Takes new calls again after a {@link #drain()} (for a context that is restarted). */
	public void resume() {
		this.shuttingDown = false;
	}

	/**
	 * Ends every open client stream: from now on new calls fail fast with UNAVAILABLE
	 * {@value #SHUTTING_DOWN}; every open stream is half-closed (and its pending responses let
	 * through); the drain waits up to the grace period for them to end; the rest are cancelled
	 * with that description. Streams that end promptly do not make it wait. Logs one line with
	 * the counts and the time taken.
	 */
	public void drain() {
		this.shuttingDown = true;
		long started = System.nanoTime();
		List<TrackedStream> open = this.registry.streams(StreamSide.CLIENT);
		if (open.isEmpty()) {
			return;
		}
		open.forEach((stream) -> guarded(stream, "half-close", stream::halfClose));
		boolean interrupted = false;
		try {
			this.registry.awaitEmpty(StreamSide.CLIENT, this.gracePeriod);
		}
		catch (InterruptedException ex) {
			interrupted = true;
		}
		List<TrackedStream> stubborn = this.registry.streams(StreamSide.CLIENT);
		Status status = Status.CANCELLED.withDescription(SHUTTING_DOWN + " (the stream did not end within "
				+ TimeoutSetting.format(this.gracePeriod) + ", triple.client.shutdown.grace-period)");
		stubborn.forEach((stream) -> guarded(stream, "cancel", () -> stream.cancel(status)));
		try {
			// Cancellation completes locally; this wait only lets the listeners run.
			this.registry.awaitEmpty(StreamSide.CLIENT, Duration.ofSeconds(1));
		}
		catch (InterruptedException ex) {
			interrupted = true;
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
		long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
		logger.info("Client stream drain: " + (open.size() - stubborn.size()) + " of " + open.size()
				+ " streams completed after half-close, " + stubborn.size() + " cancelled, in " + millis + " ms");
	}

	/** One stream's failure must not stop the drain of the others. */
	private static void guarded(TrackedStream stream, String action, Runnable operation) {
		try {
			operation.run();
		}
		catch (RuntimeException ex) {
			logger.warn("Client stream drain: could not " + action + " " + stream + "; draining the others", ex);
		}
	}

	/** Stops the timer thread. */
	@Override
	public void close() {
		this.timer.shutdownNow();
	}

}
