package dev.triplestream.stream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.grpc.Status;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The shutdown drain, the same for both sides: the notice, the side's polite step, a wait within
 * the grace period, then force; and one log line with the counts by end reason.
 * <ol>
 * <li>every stream is given its {@linkplain TrackedStream#giveDrainNotice() drain notice};</li>
 * <li>every stream takes its side's {@linkplain TrackedStream#takeDrainStep() polite step};</li>
 * <li>the drain waits up to the grace period for them to end; streams that end promptly do not
 * make it wait;</li>
 * <li>the rest are {@linkplain TrackedStream#end ended} with
 * {@link EndReason#SHUTDOWN_CANCELLED} and the side's status.</li>
 * </ol>
 * One stream's failure in any step is logged and does not stop the drain of the others.
 */
public final class StreamDrain {

	private static final Log logger = LogFactory.getLog(StreamDrain.class);

	private final String name;

	private final StreamRegistry registry;

	private final Duration gracePeriod;

	private final Status forcedStatus;

	/**
	 * @param name what is drained, for the log line (such as {@code Client stream drain})
	 * @param registry where the drained streams are tracked
	 * @param gracePeriod how long to wait for the streams to end after the polite step
	 * @param forcedStatus the status of the streams ended at the end of the grace period
	 */
	public StreamDrain(String name, StreamRegistry registry, Duration gracePeriod, Status forcedStatus) {
		this.name = name;
		this.registry = registry;
		this.gracePeriod = gracePeriod;
		this.forcedStatus = forcedStatus;
	}

	/**
	 * Drains {@code streams}. Blocks for at most the grace period plus what ending the rest takes.
	 * An interrupt ends the wait early; the interrupt flag is kept.
	 */
	public Result drain(List<? extends TrackedStream> streams) {
		return drain(() -> streams);
	}

	/**
	 * Drains the streams that {@code open} supplies, asking it again whenever those it gave so far
	 * have ended, so that streams that start during the drain (a server's calls already on their way
	 * when it refused new ones) are given the notice, waited for and ended too. {@code open} may
	 * supply streams that have ended; it is called on the draining thread only. Blocks for at most
	 * the grace period plus what ending the rest takes. An interrupt ends the wait early; the
	 * interrupt flag is kept.
	 */
	public Result drain(Supplier<? extends Collection<? extends TrackedStream>> open) {
		long started = System.nanoTime();
		long deadline = started + this.gracePeriod.toNanos();
		Set<TrackedStream> seen = Collections.newSetFromMap(new IdentityHashMap<>());
		List<TrackedStream> drained = new ArrayList<>();
		boolean interrupted = false;
		while (true) {
			List<TrackedStream> fresh = fresh(open, seen);
			if (drained.isEmpty() && fresh.isEmpty()) {
				return new Result(0, new EnumMap<>(EndReason.class), Duration.ZERO, false);
			}
			drained.addAll(fresh);
			each(fresh, "give the drain notice to", TrackedStream::giveDrainNotice);
			each(fresh, "take the drain step of", TrackedStream::takeDrainStep);
			List<TrackedStream> pending = new ArrayList<>();
			for (TrackedStream stream : drained) {
				if (this.registry.contains(stream)) {
					pending.add(stream);
				}
			}
			long left = deadline - System.nanoTime();
			if (pending.isEmpty() && fresh.isEmpty() || left <= 0) {
				break;
			}
			try {
				this.registry.awaitRemoved(pending, Duration.ofNanos(left));
			}
			catch (InterruptedException ex) {
				interrupted = true;
				break;
			}
		}
		drained.addAll(fresh(open, seen));
		each(drained, "end", (stream) -> stream.end(EndReason.SHUTDOWN_CANCELLED, this.forcedStatus));
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
		Map<EndReason, Integer> reasons = new EnumMap<>(EndReason.class);
		for (TrackedStream stream : drained) {
			EndReason reason = stream.endReason();
			if (reason != null) {
				reasons.merge(reason, 1, Integer::sum);
			}
		}
		Result result = new Result(drained.size(), reasons,
				Duration.ofNanos(System.nanoTime() - started), interrupted);
		logger.info(this.name + ": " + result);
		return result;
	}

	private static List<TrackedStream> fresh(Supplier<? extends Collection<? extends TrackedStream>> open,
			Set<TrackedStream> seen) {
		List<TrackedStream> fresh = new ArrayList<>();
		for (TrackedStream stream : open.get()) {
			if (seen.add(stream)) {
				fresh.add(stream);
			}
		}
		return fresh;
	}

	private static void each(List<? extends TrackedStream> streams, String action, Consumer<TrackedStream> step) {
		for (TrackedStream stream : streams) {
			try {
				step.accept(stream);
			}
			catch (RuntimeException ex) {
				logger.warn("Drain: could not " + action + " " + stream + "; draining the others", ex);
			}
		}
	}

	/**
	 * What a drain did.
	 * @param streams how many streams it drained
	 * @param reasons how many of them ended for each reason
	 * @param took how long it took
	 * @param interrupted whether its wait was interrupted
	 */
	public record Result(int streams, Map<EndReason, Integer> reasons, Duration took, boolean interrupted) {

		/** How many streams ended for {@code reason}. */
		public int count(EndReason reason) {
			return this.reasons.getOrDefault(reason, 0);
		}

		@Override
		public String toString() {
			StringJoiner counts = new StringJoiner(", ");
			this.reasons.forEach((reason, count) -> counts.add(count + " " + reason));
			return this.streams + " stream(s) in " + TimeUnit.NANOSECONDS.toMillis(this.took.toNanos()) + " ms"
					+ ((this.streams > 0) ? " (" + counts + ")" : "") + (this.interrupted ? ", interrupted" : "");
		}

	}

}
