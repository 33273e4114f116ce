package dev.triplestream.benchmarks;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Lets a benchmark learn when the server handler of one particular stream saw its half-close or
 * its cancellation. The client puts a probe id in the stream's first message; the handler looks
 * the probe up and completes it with {@link System#nanoTime()} from inside its callback. Client
 * and server share the JVM, so the two clocks are the same clock.
 */
final class ServerProbes {

	private final ConcurrentHashMap<Long, Probe> probes = new ConcurrentHashMap<>();

	private final AtomicLong ids = new AtomicLong();

	/** A new probe, to be named in the first message of the stream it watches. */
	Probe create() {
		Probe probe = new Probe(this.ids.incrementAndGet());
		this.probes.put(probe.id(), probe);
		return probe;
	}

	/** The handler's side: the probe named in a message, or null. */
	Probe claim(long id) {
		return (id != 0) ? this.probes.remove(id) : null;
	}

	void discard(Probe probe) {
		this.probes.remove(probe.id());
	}

	/** The instants (nanoTime) at which one server handler saw its stream's events. */
	record Probe(long id, CompletableFuture<Long> halfClosed, CompletableFuture<Long> cancelled) {

		Probe(long id) {
			this(id, new CompletableFuture<>(), new CompletableFuture<>());
		}

	}

}
