package dev.triplestream.actuate;

import java.time.Duration;
import java.time.Instant;

import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;

import dev.triplestream.stream.EndReason;
import dev.triplestream.stream.StreamRegistry;
import dev.triplestream.stream.StreamSide;
import dev.triplestream.stream.TrackedStream;

/**
 * Micrometer metrics of the streams in a {@link StreamRegistry}:
 * <ul>
 * <li>{@code triple.streams.active} (gauge, tag {@code side}): streams open now;</li>
 * <li>{@code triple.streams} (timer, tags {@code side}, {@code method}, {@code status}): how long
 * each stream lived, by how it ended ({@code status} is the gRPC code, such as {@code OK} or
 * {@code DEADLINE_EXCEEDED});</li>
 * <li>{@code triple.streams.ended} (counter, tags {@code side}, {@code method}, {@code reason}):
 * every stream that ended, once, by its {@link EndReason} ({@code completed}, {@code idle-timeout},
 * {@code shutdown-cancelled}...), cancelled and timed-out ones included;</li>
 * <li>{@code triple.streams.messages} (distribution summary, tags {@code side}, {@code method},
 * {@code direction} = {@code sent}/{@code received}): messages per stream.</li>
 * </ul>
 * The {@code method} tag is the full gRPC method name, bounded by the services the application
 * calls and serves.
 */
public class TripleStreamMetrics implements MeterBinder {

	private final StreamRegistry registry;

	public TripleStreamMetrics(StreamRegistry registry) {
		this.registry = registry;
	}

	@Override
	public void bindTo(MeterRegistry meters) {
		for (StreamSide side : StreamSide.values()) {
			Gauge.builder("triple.streams.active", this.registry, (registry) -> registry.count(side))
				.description("Streams open now")
				.tag("side", tag(side))
				.register(meters);
		}
		this.registry.addListener(new Recorder(meters));
	}

	private static String tag(StreamSide side) {
		return side.name().toLowerCase(java.util.Locale.ROOT);
	}

	private static final class Recorder implements StreamRegistry.Listener {

		private final MeterRegistry meters;

		Recorder(MeterRegistry meters) {
			this.meters = meters;
		}

		@Override
		public void opened(TrackedStream stream) {
		}

		@Override
		public void closed(TrackedStream stream) {
			String side = tag(stream.side());
			String method = stream.fullMethodName();
			Status status = stream.status();
			Instant started = stream.startedAt();
			if (started != null) {
				Timer.builder("triple.streams")
					.description("How long streams lived, by how they ended")
					.tags("side", side, "method", method, "status",
							(status != null) ? status.getCode().name() : "UNKNOWN")
					.register(this.meters)
					.record(Duration.between(started, Instant.now()));
			}
			EndReason reason = stream.endReason();
			Counter.builder("triple.streams.ended")
				.description("Streams ended, by why they ended")
				.tags("side", side, "method", method, "reason", (reason != null) ? reason.tag() : "unknown")
				.register(this.meters)
				.increment();
			this.meters.summary("triple.streams.messages", "side", side, "method", method, "direction", "sent")
				.record(stream.messagesSent());
			this.meters.summary("triple.streams.messages", "side", side, "method", method, "direction", "received")
				.record(stream.messagesReceived());
		}

	}

}
