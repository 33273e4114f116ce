package dev.triplestream.actuate;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;

import dev.triplestream.stream.EndReason;
import dev.triplestream.stream.StreamRegistry;
import dev.triplestream.stream.StreamSide;
import dev.triplestream.stream.TrackedStream;

/**
 * The lifecycle meters of the streams in a {@link StreamRegistry}, those no gRPC instrumentation
 * has (per-call latency and status come from Micrometer's gRPC observations):
 * <ul>
 * <li>{@code triple.streams.active} (gauge; tags {@code side}, {@code channel}, {@code service},
 * {@code method}): streams open now. {@code channel} is the client channel's name, {@code none} on
 * the server side;</li>
 * <li>{@code triple.streams.ended} (counter; {@code side}, {@code method}, {@code reason}): every
 * stream that ended, exactly once, by its {@link EndReason#tag() end reason};</li>
 * <li>{@code triple.streams.duration} (timer; {@code side}, {@code method}, {@code reason}): how
 * long the streams lived;</li>
 * <li>{@code triple.streams.messages} (counter; {@code side}, {@code method}, {@code direction} =
 * {@code sent}/{@code received}): messages of the streams that ended, counted at their end.</li>
 * </ul>
 * Tag values are bounded: a server stream's method and service are tagged only when the server has
 * registered that method (see the constructor), else {@value #UNKNOWN}, so that no peer can grow
 * the number of series with made-up method names. A client stream's method comes from the
 * application's own method descriptor.
 * <p>
 * Thread-safe: the meters are updated on the threads that open and end the streams, without
 * blocking.
 */
public class TripleStreamMetrics implements MeterBinder {

	/** The tag value of a server method the server has not registered, and of a missing channel. */
	public static final String UNKNOWN = "unknown";

	/** The {@code channel} tag value of server streams. */
	public static final String NO_CHANNEL = "none";

	private final StreamRegistry registry;

	private final Predicate<String> serverMethods;

	/**
	 * @param registry the streams to measure
	 * @param serverMethods whether a full method name is one the server registered; only those
	 * become tag values of server streams
	 */
	public TripleStreamMetrics(StreamRegistry registry, Predicate<String> serverMethods) {
		this.registry = registry;
		this.serverMethods = serverMethods;
	}

	@Override
	public void bindTo(MeterRegistry meters) {
		// Streams open before the binding are not in the gauge; their ends are still counted.
		this.registry.addListener(new Recorder(meters));
	}

	private Tags streamTags(TrackedStream stream) {
		return Tags.of("side", side(stream), "method", method(stream));
	}

	/** The method tag: a server stream's only when the server registered that method. */
	private String method(TrackedStream stream) {
		String method = stream.fullMethodName();
		if (method == null || (stream.side() == StreamSide.SERVER && !this.serverMethods.test(method))) {
			return UNKNOWN;
		}
		return method;
	}

	private static String side(TrackedStream stream) {
		return stream.side().name().toLowerCase(Locale.ROOT);
	}

	private static String service(String method) {
		int slash = method.lastIndexOf('/');
		return (slash > 0) ? method.substring(0, slash) : UNKNOWN;
	}

	private final class Recorder implements StreamRegistry.Listener {

		private final MeterRegistry meters;

		/** Open streams by their gauge's tags. */
		private final Map<Tags, AtomicInteger> active = new ConcurrentHashMap<>();

		/** The gauge each open stream is counted in, by stream id. */
		private final Map<Long, AtomicInteger> counted = new ConcurrentHashMap<>();

		Recorder(MeterRegistry meters) {
			this.meters = meters;
		}

		@Override
		public void opened(TrackedStream stream) {
			AtomicInteger gauge = this.active.computeIfAbsent(activeTags(stream), this::register);
			if (this.counted.putIfAbsent(stream.id(), gauge) == null) {
				gauge.incrementAndGet();
			}
		}

		private Tags activeTags(TrackedStream stream) {
			String method = method(stream);
			String channel = (stream.side() == StreamSide.CLIENT)
					? ((stream.origin() != null) ? stream.origin() : UNKNOWN) : NO_CHANNEL;
			return Tags.of("side", side(stream), "method", method, "channel", channel, "service",
					UNKNOWN.equals(method) ? UNKNOWN : service(method));
		}

		private AtomicInteger register(Tags tags) {
			AtomicInteger count = new AtomicInteger();
			Gauge.builder("triple.streams.active", count, AtomicInteger::get)
				.description("Streams open now")
				.tags(tags)
				.strongReference(true)
				.register(this.meters);
			return count;
		}

		@Override
		public void closed(TrackedStream stream) {
			AtomicInteger gauge = this.counted.remove(stream.id());
			if (gauge != null) {
				gauge.decrementAndGet();
			}
			Tags tags = streamTags(stream);
			EndReason reason = stream.endReason();
			Tags ended = tags.and("reason", (reason != null) ? reason.tag() : UNKNOWN);
			Counter.builder("triple.streams.ended")
				.description("Streams ended, by why they ended")
				.tags(ended)
				.register(this.meters)
				.increment();
			Instant started = stream.startedAt();
			if (started != null) {
				Timer.builder("triple.streams.duration")
					.description("How long streams lived, by why they ended")
					.tags(ended)
					.register(this.meters)
					.record(Duration.between(started, Instant.now()));
			}
			count(tags, "sent", stream.messagesSent());
			count(tags, "received", stream.messagesReceived());
		}

		private void count(Tags tags, String direction, long messages) {
			if (messages > 0) {
				Counter.builder("triple.streams.messages")
					.description("Messages of the streams that ended, counted at their end")
					.tags(tags.and("direction", direction))
					.register(this.meters)
					.increment(messages);
			}
		}

	}

}
