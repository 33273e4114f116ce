package dev.triplestream.lifecycle;

import java.util.SplittableRandom;

/**
 * What one stream of a run does, drawn from the run's seed before anything starts: the client
 * method, the channel, the server's behaviour, and what the application's threads do to it.
 * Timings are targets: the threads' interleaving is up to the machine.
 *
 * @param key the stream's name in the run, sent to the server so both sides' records meet
 * @param shape the client method shape
 * @param channel which of the run's channels the stream opens on
 * @param openAtMillis when the stream opens, after the run starts
 * @param server how the server handles it
 * @param sends how many messages the application sends (streaming requests)
 * @param closeSend whether the sender half-closes after its messages
 * @param drainAction whether the application registers a drain action that ends its sending
 * @param action what the controlling thread does to the stream, and when
 * @param actionDelayMillis when the action happens, after the stream opens
 * @param timedReceives whether the reader mixes {@code receive(timeout)} with {@code receive()}
 * @param readLimit how many responses the reader reads before it stops reading; -1 for all
 * @param ownerCloses whether the reader closes the handle when it is done (try-with-resources)
 * @param pauseMillis the longest pause between two operations of a thread
 * @param seed the seed of the random choices the stream's threads make as they go
 */
record StreamPlan(String key, Shape shape, int channel, int openAtMillis, ServerPlan server, int sends,
		boolean closeSend, boolean drainAction, Action action, int actionDelayMillis, boolean timedReceives,
		int readLimit, boolean ownerCloses, int pauseMillis, long seed) {

	/** The client method shapes under test. */
	enum Shape {

		BIDI_BLOCKING, BIDI_ASYNC, CLIENT_STREAMING, SERVER_STREAMING_BLOCKING, SERVER_STREAMING_ASYNC,
		UNARY_BLOCKING, UNARY_FUTURE;

		boolean isBlockingHandle() {
			return this == BIDI_BLOCKING || this == SERVER_STREAMING_BLOCKING;
		}

		boolean sendsStream() {
			return this == BIDI_BLOCKING || this == BIDI_ASYNC || this == CLIENT_STREAMING;
		}

	}

	/** What the application's controlling thread does to the stream. */
	enum Action {

		NONE, CANCEL, CLOSE, INTERRUPT_READER, INTERRUPT_SENDER

	}

	/** How the server handles a call (see {@link ScriptedEchoService}). */
	enum ServerMode {

		/** Answers each message; completes on half-close (unary: answers). */
		ECHO,
		/** Answers each message; never completes. */
		HOLD,
		/** Sends {@code count} responses at once and completes, whatever the client does. */
		BURST,
		/** Sends {@code count} responses when the client half-closes, then completes. */
		BURST_ON_HALF_CLOSE,
		/** Answers, then fails with FAILED_PRECONDITION after {@code count} messages or at half-close. */
		FAIL,
		/** Answers each message {@code delay} later; completes {@code delay} after half-close. */
		SLOW,
		/** Answers each message; completes on half-close or on its drain notice. */
		DRAIN_AWARE,
		/** Throws from the handler after {@code count} messages, as a buggy handler would. */
		THROW

	}

	/**
	 * The server's part of the plan, sent to it in a header.
	 * @param mode how it handles the call
	 * @param count how many responses or messages the mode counts
	 * @param delayMillis how slow it is, where the mode is slow
	 */
	record ServerPlan(ServerMode mode, int count, int delayMillis) {

		String encode(String key) {
			return key + "|" + this.mode + "|" + this.count + "|" + this.delayMillis;
		}

		/** The key and the plan of a header written by {@link #encode}. */
		static Keyed decode(String header) {
			String[] parts = header.split("\\|");
			return new Keyed(parts[0], new ServerPlan(ServerMode.valueOf(parts[1]), Integer.parseInt(parts[2]),
					Integer.parseInt(parts[3])));
		}

		record Keyed(String key, ServerPlan plan) {
		}

	}

	static StreamPlan random(SplittableRandom random, String key, int channels, int openWindowMillis) {
		Shape shape = pick(random, Shape.values());
		ServerMode mode = pick(random, ServerMode.values());
		ServerPlan server = new ServerPlan(mode, random.nextInt(0, 25), random.nextInt(5, 300));
		Action action = (random.nextInt(3) == 0) ? Action.NONE : pick(random, Action.values());
		int readLimit = (random.nextInt(3) == 0) ? random.nextInt(0, 10) : -1;
		return new StreamPlan(key, shape, random.nextInt(channels), random.nextInt(openWindowMillis + 1), server,
				random.nextInt(0, 20), random.nextInt(4) != 0, random.nextInt(4) == 0, action,
				random.nextInt(0, 1500), random.nextBoolean(), readLimit, random.nextBoolean(),
				random.nextInt(1, 40), random.nextLong());
	}

	private static <T> T pick(SplittableRandom random, T[] values) {
		return values[random.nextInt(values.length)];
	}

}
