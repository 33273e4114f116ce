package dev.triplestream.stream;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.grpc.Status;

/**
 * The lifecycle of one stream, client or server side: its registry membership, its idle clock,
 * its time limit, its drain notice and its end. Client and server calls are thin adapters onto it.
 * <p>
 * <b>The end</b> is recorded exactly once, by the first of {@link #end} calls, whoever makes them:
 * the adapter when the call closes, a timer, the drain, an operator. Recording it removes the stream
 * from the registry at once (no later callback is awaited: one may never run), stops the timers and
 * drops the drain actions not yet run. When the lifecycle itself decides the end (idle timeout, time
 * limit), it then asks the adapter's {@link Terminator} to cut the call, outside any lock.
 * <p>
 * <b>The idle clock</b> exists only when an idle timeout is set: then {@link #touch()} records the
 * time of each message sent, received or consumed by the application, and a timer compares it
 * with the timeout when it fires. Without one, {@code touch()} reads no clock and writes nothing.
 * <p>
 * <b>The drain notice</b> runs the actions the application registered with {@link #onDrain} on the
 * notice executor, never on the caller's thread.
 * <p>
 * Thread-safe. No lock is held while calling the terminator or application code.
 */
public final class StreamLifecycle {

	private final StreamRegistry registry;

	private final long id;

	private final Instant startedAt = Instant.now();

	private final long startedNanos = System.nanoTime();

	/** 0 when no idle timeout applies. */
	private final long idleTimeoutNanos;

	private final String idleTimeoutDescription;

	private final DrainNotice notice;

	private final AtomicReference<End> end = new AtomicReference<>();

	private volatile TrackedStream stream;

	private volatile Terminator terminator;

	private volatile long lastActivityNanos = this.startedNanos;

	private volatile boolean established;

	private volatile boolean shutdownNotice;

	private volatile ScheduledFuture<?> idleCheck;

	private volatile ScheduledFuture<?> limitCheck;

	/**
	 * @param registry where the stream is tracked while open
	 * @param idleTimeout the idle timeout, or null for none
	 * @param idleTimeoutDescription how the idle timeout was set, for the status that ends an idle
	 * stream (such as {@code 30s (triple.client.channels.a.idle-timeout)})
	 * @param noticeExecutor where drain actions run
	 */
	public StreamLifecycle(StreamRegistry registry, Duration idleTimeout, String idleTimeoutDescription,
			Executor noticeExecutor) {
		this.registry = registry;
		this.id = registry.nextId();
		this.idleTimeoutNanos = (idleTimeout != null) ? idleTimeout.toNanos() : 0;
		this.idleTimeoutDescription = idleTimeoutDescription;
		this.notice = new DrainNotice(noticeExecutor);
	}

	/**
	 * Tracks {@code stream} in the registry until its end. {@code terminator} cuts the call when the
	 * lifecycle ends it. Called once, before the call can end.
	 */
	public void register(TrackedStream stream, Terminator terminator) {
		this.stream = stream;
		this.terminator = terminator;
		this.registry.add(stream);
		if (this.end.get() != null) {
			// Ended while being added: the end's removal may have run before the add.
			this.registry.remove(stream);
		}
	}

	public long id() {
		return this.id;
	}

	public Instant startedAt() {
		return this.startedAt;
	}

	// The idle clock

	/** Whether an idle timeout applies, so that {@link #touch()} does anything. */
	public boolean hasIdleClock() {
		return this.idleTimeoutNanos > 0;
	}

	/** Records activity: a message moved or was consumed. Free without an idle clock. */
	public void touch() {
		if (this.idleTimeoutNanos > 0) {
			this.lastActivityNanos = System.nanoTime();
		}
	}

	/** The stream exists on a transport: connecting is over, and the idle clock starts now. */
	public void established() {
		if (!this.established) {
			this.lastActivityNanos = System.nanoTime();
			this.established = true;
		}
	}

	/** How long since the last activity; measured only with an idle clock, else since the start. */
	public Duration idleFor() {
		return Duration.ofNanos(System.nanoTime() - this.lastActivityNanos);
	}

	/** Starts the idle check on {@code timer}; a no-op without an idle timeout. */
	public void startIdleClock(ScheduledExecutorService timer) {
		if (this.idleTimeoutNanos > 0) {
			this.idleCheck = schedule(timer, () -> checkIdle(timer), this.idleTimeoutNanos);
			stopTimersIfEnded();
		}
	}

	private void checkIdle(ScheduledExecutorService timer) {
		if (isEnded()) {
			return;
		}
		if (!this.established) {
			this.idleCheck = schedule(timer, () -> checkIdle(timer), this.idleTimeoutNanos);
			return;
		}
		long left = this.idleTimeoutNanos - (System.nanoTime() - this.lastActivityNanos);
		if (left <= 0) {
			terminate(EndReason.IDLE_TIMEOUT,
					Status.DEADLINE_EXCEEDED.withDescription("idle for " + this.idleTimeoutDescription));
		}
		else {
			this.idleCheck = schedule(timer, () -> checkIdle(timer), left);
		}
	}

	/**
	 * After {@code limit}, gives the drain notice; after {@code grace} more, ends the stream with
	 * {@code reason} and {@code status} unless it has ended (a server stream's max age).
	 */
	public void startTimeLimit(ScheduledExecutorService timer, Duration limit, Duration grace, EndReason reason,
			Status status) {
		this.limitCheck = schedule(timer, () -> {
			if (isEnded()) {
				return;
			}
			giveDrainNotice(false);
			this.limitCheck = schedule(timer, () -> terminate(reason, status), grace.toNanos());
			stopTimersIfEnded();
		}, limit.toNanos());
		stopTimersIfEnded();
	}

	private static ScheduledFuture<?> schedule(ScheduledExecutorService timer, Runnable task, long delayNanos) {
		try {
			return timer.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			// The timer has stopped: the side is shutting down, and its drain ends the stream.
			return null;
		}
	}

	private void stopTimersIfEnded() {
		if (isEnded()) {
			stopTimers();
		}
	}

	private void stopTimers() {
		ScheduledFuture<?> idle = this.idleCheck;
		if (idle != null) {
			idle.cancel(false);
		}
		ScheduledFuture<?> limit = this.limitCheck;
		if (limit != null) {
			limit.cancel(false);
		}
	}

	// The drain notice

	/**
	 * Registers {@code action} to run once when the stream gets its drain notice; at once (on the
	 * notice executor) when it already has. Does nothing once the stream has ended.
	 */
	public void onDrain(Runnable action) {
		if (action == null) {
			throw new IllegalArgumentException("The drain action must not be null");
		}
		if (!isEnded()) {
			this.notice.register(action, this.stream);
		}
	}

	/** Whether the application registered a drain action: it then chooses how the stream ends. */
	public boolean hasDrainActions() {
		return this.notice.hasActions();
	}

	/** Whether the stream had its drain notice. Once true, stays true. */
	public boolean isDrainNoticeGiven() {
		return this.notice.isGiven();
	}

	/**
	 * Gives the drain notice: runs every registered action. Idempotent; never blocks.
	 * @param shutdown whether the notice comes from a shutdown drain: a normal end from then on is
	 * recorded as {@link EndReason#SHUTDOWN_DRAINED}
	 */
	public void giveDrainNotice(boolean shutdown) {
		if (shutdown) {
			this.shutdownNotice = true;
		}
		if (!isEnded()) {
			this.notice.give(this.stream);
		}
	}

	// The end

	/**
	 * Records the stream's end, unless one was recorded before: removes it from the registry, stops
	 * its timers and drops its drain actions. A {@link EndReason#COMPLETED} end after a shutdown
	 * drain notice is recorded as {@link EndReason#SHUTDOWN_DRAINED}. Does not touch the call.
	 * @return whether this was the stream's end (false when it had already ended)
	 */
	public boolean end(EndReason reason, Status status) {
		EndReason recorded = (reason == EndReason.COMPLETED && this.shutdownNotice) ? EndReason.SHUTDOWN_DRAINED
				: reason;
		if (!this.end.compareAndSet(null, new End(recorded, status, System.nanoTime()))) {
			return false;
		}
		stopTimers();
		this.notice.drop();
		if (this.stream != null) {
			this.registry.remove(this.stream);
		}
		return true;
	}

	/**
	 * Ends the stream now: records the end and, when it was this end, has the terminator cut the
	 * call with {@code status}.
	 * @return whether this was the stream's end
	 */
	public boolean terminate(EndReason reason, Status status) {
		if (!end(reason, status)) {
			return false;
		}
		Terminator cut = this.terminator;
		if (cut != null) {
			cut.terminate(status);
		}
		return true;
	}

	public boolean isEnded() {
		return this.end.get() != null;
	}

	/** The recorded end reason, or null while the stream is open. */
	public EndReason endReason() {
		End ended = this.end.get();
		return (ended != null) ? ended.reason : null;
	}

	/** The status recorded with the end, or null while the stream is open. */
	public Status endStatus() {
		End ended = this.end.get();
		return (ended != null) ? ended.status : null;
	}

	/** How long the stream lived, or has lived so far. */
	public Duration age() {
		End ended = this.end.get();
		long until = (ended != null) ? ended.nanos : System.nanoTime();
		return Duration.ofNanos(until - this.startedNanos);
	}

	/** How a lifecycle cuts its call when it ends the stream itself. */
	@FunctionalInterface
	public interface Terminator {

		/**
		 * Cuts the call: client side, cancels it; server side, closes it with {@code status}. Called
		 * at most once, without any lock of the lifecycle held.
		 */
		void terminate(Status status);

	}

	private record End(EndReason reason, Status status, long nanos) {
	}

}
