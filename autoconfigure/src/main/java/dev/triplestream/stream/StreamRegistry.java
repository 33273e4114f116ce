package dev.triplestream.stream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.grpc.Status;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Every open call of this application, client and server side.
 * <p>
 * A call is {@linkplain #add added} when it starts and {@linkplain #remove removed} at its first
 * end, whatever ended it (see {@link StreamLifecycle}). Shutdown drains what is still open; the
 * actuator endpoint and the metrics read it. Thread-safe; adding and removing cost a map update and
 * an atomic increment, nothing that blocks. A listener that throws is logged and changes nothing.
 */
public final class StreamRegistry {

	/** The description of a stream cancelled by an operator. */
	public static final String CANCELLED_BY_OPERATOR = "cancelled by operator";

	private static final Log logger = LogFactory.getLog(StreamRegistry.class);

	private final Map<Long, TrackedStream> streams = new ConcurrentHashMap<>();

	private final AtomicInteger[] counts = { new AtomicInteger(), new AtomicInteger() };

	private final AtomicLong ids = new AtomicLong();

	private final List<Listener> listeners = new CopyOnWriteArrayList<>();

	private final Object removed = new Object();

	/** How many threads wait in {@link #awaitRemoved}: removals notify only when some do. */
	private final AtomicInteger waiters = new AtomicInteger();

	/** A fresh id for a stream about to be added. */
	public long nextId() {
		return this.ids.incrementAndGet();
	}

	/** Starts tracking {@code stream}. Adding a stream twice has no effect. */
	public void add(TrackedStream stream) {
		if (this.streams.putIfAbsent(stream.id(), stream) == null) {
			this.counts[stream.side().ordinal()].incrementAndGet();
			for (Listener listener : this.listeners) {
				try {
					listener.opened(stream);
				}
				catch (RuntimeException ex) {
					logger.warn("Stream registry listener " + listener + " failed on the start of " + stream, ex);
				}
			}
		}
	}

	/** Stops tracking {@code stream}; returns false when it was not tracked. */
	public boolean remove(TrackedStream stream) {
		if (!this.streams.remove(stream.id(), stream)) {
			return false;
		}
		this.counts[stream.side().ordinal()].decrementAndGet();
		try {
			for (Listener listener : this.listeners) {
				try {
					listener.closed(stream);
				}
				catch (RuntimeException ex) {
					logger.warn("Stream registry listener " + listener + " failed on the end of " + stream, ex);
				}
			}
		}
		finally {
			if (this.waiters.get() > 0) {
				synchronized (this.removed) {
					this.removed.notifyAll();
				}
			}
		}
		return true;
	}

	/** Whether {@code stream} is tracked. */
	public boolean contains(TrackedStream stream) {
		return this.streams.get(stream.id()) == stream;
	}

	/** The open stream with this id. */
	public Optional<TrackedStream> find(long id) {
		return Optional.ofNullable(this.streams.get(id));
	}

	/**
	 * Ends the open stream with this id, as an operator: reason
	 * {@link EndReason#CANCELLED_BY_OPERATOR}, status CANCELLED {@value #CANCELLED_BY_OPERATOR}.
	 * @return whether a stream with this id was open and this ended it
	 */
	public boolean cancel(long id) {
		TrackedStream stream = this.streams.get(id);
		return stream != null
				&& stream.end(EndReason.CANCELLED_BY_OPERATOR, Status.CANCELLED.withDescription(CANCELLED_BY_OPERATOR));
	}

	/** The number of open streams on one side. */
	public int count(StreamSide side) {
		return this.counts[side.ordinal()].get();
	}

	/** A snapshot of every open stream, oldest first. */
	public List<TrackedStream> streams() {
		List<TrackedStream> snapshot = new ArrayList<>(this.streams.values());
		snapshot.sort(Comparator.comparingLong(TrackedStream::id));
		return snapshot;
	}

	/** A snapshot of the open streams of one side, oldest first. */
	public List<TrackedStream> streams(StreamSide side) {
		List<TrackedStream> snapshot = new ArrayList<>();
		for (TrackedStream stream : this.streams.values()) {
			if (stream.side() == side) {
				snapshot.add(stream);
			}
		}
		snapshot.sort(Comparator.comparingLong(TrackedStream::id));
		return snapshot;
	}

	/**
	 * Waits until none of {@code streams} is tracked any more, or {@code timeout} has passed.
	 * @return true when none is
	 */
	public boolean awaitRemoved(Collection<? extends TrackedStream> streams, Duration timeout)
			throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		this.waiters.incrementAndGet();
		try {
			synchronized (this.removed) {
				while (anyTracked(streams)) {
					long left = deadline - System.nanoTime();
					if (left <= 0) {
						return false;
					}
					TimeUnit.NANOSECONDS.timedWait(this.removed, left);
				}
			}
			return true;
		}
		finally {
			this.waiters.decrementAndGet();
		}
	}

	private boolean anyTracked(Collection<? extends TrackedStream> streams) {
		for (TrackedStream stream : streams) {
			if (contains(stream)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Waits until no stream of {@code side} is open, or {@code timeout} has passed.
	 * @return true when none is open
	 */
	public boolean awaitEmpty(StreamSide side, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (count(side) > 0) {
			long left = deadline - System.nanoTime();
			if (left <= 0 || !awaitRemoved(streams(side), Duration.ofNanos(left))) {
				return count(side) == 0;
			}
		}
		return true;
	}

	/** Registers a listener told of every stream added and removed from now on (metrics). */
	public void addListener(Listener listener) {
		this.listeners.add(listener);
	}

	/** Stops telling {@code listener}. */
	public void removeListener(Listener listener) {
		this.listeners.remove(listener);
	}

	/**
	 * Told of every stream the registry adds and removes, on the thread that adds or removes it:
	 * implementations must be fast and must not block. When {@code closed} runs, the stream's
	 * {@link TrackedStream#endReason()} and {@link TrackedStream#status()} are set.
	 */
	public interface Listener {

		void opened(TrackedStream stream);

		void closed(TrackedStream stream);

	}

}
