package dev.triplestream.lifecycle;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import dev.triplestream.client.DrainPolicy;
import dev.triplestream.client.LeakDetection;

/**
 * Everything one run does, drawn from its seed before it starts: the channels and their settings,
 * the server's limits, the streams, the operator's cancels, forced garbage collections, and when
 * and in which order the two sides shut down.
 *
 * @param seed the run's seed
 * @param channels the client's channels (network and in-process)
 * @param server the server's settings
 * @param streams the streams, in no particular order
 * @param leakDetection the client's leak detection
 * @param clientGrace the client drain's grace period
 * @param shutdownAtMillis when the shutdown begins, after the run starts
 * @param shutdown the order of the client drain and the server stop
 * @param operatorCancelsAtMillis when an operator cancels a random open stream by its id
 * @param collectGarbageAtMillis when the garbage collector is asked to run
 */
record RunPlan(long seed, List<ChannelPlan> channels, ServerSettings server, List<StreamPlan> streams,
		LeakDetection leakDetection, Duration clientGrace, int shutdownAtMillis, ShutdownOrder shutdown,
		List<Integer> operatorCancelsAtMillis, List<Integer> collectGarbageAtMillis) {

	/** How the client drain and the server stop follow each other. */
	enum ShutdownOrder {

		/** As one Spring context holding both would: the server's phase stops first. */
		SERVER_FIRST,
		/** As a client application stopping while its server keeps running, then stopping. */
		CLIENT_FIRST,
		/** Two applications stopping at once. */
		CONCURRENT

	}

	/**
	 * One channel of the client.
	 * @param netty whether it connects over loopback (else in-process)
	 * @param directExecutor whether its calls' callbacks run on the transport's threads
	 * @param deadline the unary deadline, or null
	 * @param streamDeadline the streaming deadline, or null
	 * @param idleTimeout the idle timeout, or null
	 * @param closeTimeout how long {@code close()} waits, or null (does not wait)
	 * @param drainPolicy what the drain does to a bidi stream
	 */
	record ChannelPlan(boolean netty, boolean directExecutor, Duration deadline, Duration streamDeadline,
			Duration idleTimeout, Duration closeTimeout, DrainPolicy drainPolicy) {
	}

	/**
	 * The server's settings.
	 * @param gracePeriod its drain's grace period
	 * @param idleTimeout its streams' idle timeout, or null
	 * @param maxAge its streams' max age, or null
	 * @param maxAgeGrace how long a stream has after its max age
	 */
	record ServerSettings(Duration gracePeriod, Duration idleTimeout, Duration maxAge, Duration maxAgeGrace) {
	}

	static RunPlan random(long seed, String name, int maxStreams) {
		SplittableRandom random = new SplittableRandom(seed);
		List<ChannelPlan> channels = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			channels.add(new ChannelPlan(i < 2, random.nextInt(3) == 0, maybe(random, 200, 2000),
					maybe(random, 300, 3000), maybe(random, 150, 2000), maybe(random, 1, 800),
					random.nextBoolean() ? DrainPolicy.HALF_CLOSE : DrainPolicy.CANCEL));
		}
		ServerSettings server = new ServerSettings(millis(random, 0, 1000), maybe(random, 200, 2000),
				maybe(random, 300, 2500), millis(random, 0, 500));
		int shutdownAt = random.nextInt(50, 2500);
		int count = random.nextInt(Math.min(4, maxStreams), maxStreams + 1);
		List<StreamPlan> streams = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			streams.add(StreamPlan.random(random, name + "-s" + i, channels.size(), shutdownAt + 200));
		}
		LeakDetection[] detections = LeakDetection.values();
		return new RunPlan(seed, channels, server, streams, detections[random.nextInt(detections.length)],
				millis(random, 0, 1000), shutdownAt, ShutdownOrder.values()[random.nextInt(3)],
				moments(random, random.nextInt(0, 6), shutdownAt + 500), moments(random, random.nextInt(0, 6),
						shutdownAt + 500));
	}

	/** A duration between the bounds in milliseconds, or (one time in three) null. */
	private static Duration maybe(SplittableRandom random, int min, int max) {
		return (random.nextInt(3) == 0) ? null : millis(random, min, max);
	}

	private static Duration millis(SplittableRandom random, int min, int max) {
		return Duration.ofMillis(random.nextInt(min, max + 1));
	}

	private static List<Integer> moments(SplittableRandom random, int count, int before) {
		List<Integer> moments = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			moments.add(random.nextInt(before));
		}
		return moments;
	}

	/** A line for the log: what this run is. */
	String summary() {
		return this.streams.size() + " streams, shutdown " + this.shutdown + " at " + this.shutdownAtMillis
				+ " ms, client grace " + this.clientGrace.toMillis() + " ms, server " + this.server + ", leak detection "
				+ this.leakDetection + ", channels " + this.channels;
	}

}
