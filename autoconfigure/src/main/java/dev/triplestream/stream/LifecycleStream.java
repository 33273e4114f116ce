package dev.triplestream.stream;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import io.grpc.Deadline;
import io.grpc.Status;

/**
 * A {@link TrackedStream} whose identity, clocks, drain notice and end are those of its
 * {@link StreamLifecycle}: what a client call and a server call have in common, written once. An
 * implementation supplies the lifecycle and the facts only its side knows (method, peer, counts).
 */
public interface LifecycleStream extends TrackedStream {

	/** The lifecycle of this stream: registry membership, clocks, drain notice, the one end. */
	StreamLifecycle lifecycle();

	@Override
	default long id() {
		return lifecycle().id();
	}

	@Override
	default Instant startedAt() {
		return lifecycle().startedAt();
	}

	@Override
	default Duration idleFor() {
		return lifecycle().idleFor();
	}

	@Override
	default boolean isDrainNoticeGiven() {
		return lifecycle().isDrainNoticeGiven();
	}

	@Override
	default Status status() {
		return lifecycle().endStatus();
	}

	@Override
	default EndReason endReason() {
		return lifecycle().endReason();
	}

	/** Gives the notice through the lifecycle, which runs the application's drain actions. */
	@Override
	default void giveDrainNotice() {
		lifecycle().giveDrainNotice(true);
	}

	/**
	 * Ends the stream through its lifecycle: recorded once, then the call is cut. Never blocks: when
	 * the application is calling into the call at that moment, the cut runs right after, on its thread.
	 */
	@Override
	default boolean end(EndReason reason, Status status) {
		return lifecycle().terminate(reason, status);
	}

	/** The time left before {@code deadline}, or null when there is none. */
	static Duration remaining(Deadline deadline) {
		return (deadline != null) ? Duration.ofNanos(deadline.timeRemaining(TimeUnit.NANOSECONDS)) : null;
	}

}
