package dev.triplestream.stream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every open call of this application, client and server side.
 * <p>
 * A call is {@linkplain #add added} when it starts and {@linkplain #remove removed} when it ends,
 * whatever ended it. Shutdown uses the registry to half-close, drain and cancel what is still open;
 * the actuator endpoint and the metrics read it. Thread-safe; adding and removing cost a hash-set
 * update and an atomic increment, nothing that blocks.
 */
public final class StreamRegistry {

	private final Set<TrackedStream> streams = ConcurrentHashMap.newKeySet();

	private final AtomicInteger[] counts = { new AtomicInteger(), new AtomicInteger() };

	private final AtomicLong ids = new AtomicLong();

	private final List<Listener> listeners = new CopyOnWriteArrayList<>();

	private final Object emptied = new Object();

	/** A fresh id for a stream about to be added. */
	public long nextId() {
		return this.ids.incrementAndGet();
	}

	/** Starts tracking {@code stream}. Adding a stream twice has no effect. */
	public void add(TrackedStream stream) {
		if (this.streams.add(stream)) {
			this.counts[stream.side().ordinal()].incrementAndGet();
			for (Listener listener : this.listeners) {
				listener.opened(stream);
			}
		}
	}

	/** Stops tracking {@code stream}; returns false when it was not tracked. */
	public boolean remove(TrackedStream stream) {
		if (!this.streams.remove(stream)) {
			return false;
		}
		int left = this.counts[stream.side().ordinal()].decrementAndGet();
		for (Listener listener : this.listeners) {
			listener.closed(stream);
		}
		if (left == 0) {
			synchronized (this.emptied) {
				this.emptied.notifyAll();
			}
		}
		return true;
	}

	/** The number of open streams on one side. */
	public int count(StreamSide side) {
		return this.counts[side.ordinal()].get();
	}

	/** A snapshot of every open stream, oldest first. */
	public List<TrackedStream> streams() {
		List<TrackedStream> snapshot = new ArrayList<>(this.streams);
		snapshot.sort(Comparator.comparingLong(TrackedStream::id));
		return snapshot;
	}

	/** A snapshot of the open streams of one side, oldest first. */
	public List<TrackedStream> streams(StreamSide side) {
		List<TrackedStream> snapshot = new ArrayList<>();
		for (TrackedStream stream : this.streams) {
			if (stream.side() == side) {
				snapshot.add(stream);
			}
		}
		snapshot.sort(Comparator.comparingLong(TrackedStream::id));
		return snapshot;
	}

	/**
	 * Waits until no stream of {@code side} is open, or {@code timeout} has passed.
	 * @return true when none is open
	 */
	public boolean awaitEmpty(StreamSide side, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		synchronized (this.emptied) {
			while (count(side) > 0) {
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					return false;
				}
				TimeUnit.NANOSECONDS.timedWait(this.emptied, left);
			}
		}
		return true;
	}

	/** Registers a listener told of every stream added and removed from now on (metrics). */
	public void addListener(Listener listener) {
		this.listeners.add(listener);
	}

	/**
	 * Told of every stream the registry adds and removes, on the thread that adds or removes it:
	 * implementations must be fast and must not block.
	 */
	public interface Listener {

		void opened(TrackedStream stream);

		void closed(TrackedStream stream);

	}

}
