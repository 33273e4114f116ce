package dev.triplestream.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.grpc.ClientInterceptor;
import io.grpc.Status;

import dev.triplestream.stream.StreamDrain;
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

	/** How many threads run drain actions at most. */
	private static final int NOTICE_THREADS = 4;

	private final StreamRegistry registry;

	private final Duration gracePeriod;

	private final LeakDetection leakDetection;

	private final ScheduledThreadPoolExecutor timer;

	private final ThreadPoolExecutor noticeExecutor;

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
		AtomicInteger threads = new AtomicInteger();
		this.noticeExecutor = new ThreadPoolExecutor(NOTICE_THREADS, NOTICE_THREADS, 10, TimeUnit.SECONDS,
				new LinkedBlockingQueue<>(), (task) -> {
					Thread thread = new Thread(task, "triplestream-client-drain-" + threads.incrementAndGet());
					thread.setDaemon(true);
					return thread;
				});
		this.noticeExecutor.allowCoreThreadTimeOut(true);
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
	 * Ends every open client stream of this application, with the {@linkplain StreamDrain one drain}
	 * both sides use. From now on new calls fail fast with UNAVAILABLE {@value #SHUTTING_DOWN}. Each
	 * open stream gets its drain notice (the actions registered with
	 * {@link ServerStream#onDrain(Runnable)} or {@link RequestObserver#onDrain(Runnable)} run), then
	 * its polite step: a bidi stream under the {@code half-close} {@link DrainPolicy} whose
	 * application registered no drain action is half-closed; a client-streaming call never is (to its
	 * server a half-close means the request is complete). The drain waits up to the grace period for
	 * the streams to end, then cancels the rest with {@value #SHUTTING_DOWN}. Streams that end
	 * promptly do not make it wait. Logs one line with the counts by end reason.
	 * @return what the drain did
	 */
	public StreamDrain.Result drain() {
		this.shuttingDown = true;
		Status forced = Status.CANCELLED.withDescription(SHUTTING_DOWN + " (the stream did not end within "
				+ TimeoutSetting.format(this.gracePeriod) + ", triple.client.shutdown.grace-period)");
		// Asked again during the drain: a call made just before the drain began (it was not refused)
		// may start, and so register, only after the drain first looked.
		return new StreamDrain("Client stream drain", this.registry, this.gracePeriod, forced).drain(this::openStreams);
	}

	private List<TrackedStream> openStreams() {
		List<TrackedStream> open = new ArrayList<>();
		for (TrackedStream stream : this.registry.streams(StreamSide.CLIENT)) {
			if (stream instanceof TrackedClientCall<?, ?> call && call.streams() == this) {
				open.add(stream);
			}
		}
		return open;
	}

	/** Where drain actions run: a few daemon threads, started when first needed. */
	Executor noticeExecutor() {
		return this.noticeExecutor;
	}

	/** Stops the timer thread, and the drain action threads once their actions have run. */
	@Override
	public void close() {
		this.timer.shutdownNow();
		this.noticeExecutor.shutdown();
	}

}
