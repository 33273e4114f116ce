package dev.triplestream.actuate;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

import dev.triplestream.stream.StreamRegistry;
import dev.triplestream.stream.StreamSide;
import dev.triplestream.stream.TrackedStream;

/**
 * The {@code triplestreams} actuator endpoint: every open client and server stream, oldest
 * first, with what it is, how old it is and how far it got. {@code /actuator/triplestreams/client}
 * and {@code /actuator/triplestreams/server} list one side.
 * <p>
 * One write operation: {@code DELETE /actuator/triplestreams/{id}} ends one open stream through
 * {@link StreamRegistry#cancel(long)}, with reason {@code cancelled-by-operator} (a client stream's
 * application sees {@code CANCELLED}; a server stream is closed with {@code CANCELLED}
 * {@value StreamRegistry#CANCELLED_BY_OPERATOR}, which its client sees). Like any write
 * operation, it is available only where the endpoint is exposed and its access
 * ({@code management.endpoint.triplestreams.access}) is {@code unrestricted}.
 */
@Endpoint(id = "triplestreams")
public class TripleStreamsEndpoint {

	private final StreamRegistry registry;

	public TripleStreamsEndpoint(StreamRegistry registry) {
		this.registry = registry;
	}

	@ReadOperation
	public StreamsDescriptor streams() {
		return describe(this.registry.streams());
	}

	@ReadOperation
	public StreamsDescriptor streams(@Selector String side) {
		return describe(this.registry.streams(StreamSide.valueOf(side.toUpperCase(java.util.Locale.ROOT))));
	}

	/**
	 * Ends the open stream with this id, as an operator.
	 * @param id the stream's id, as listed
	 * @return whether it was open and this ended it
	 */
	@DeleteOperation
	public CancellationDescriptor cancel(@Selector long id) {
		return new CancellationDescriptor(id, this.registry.cancel(id));
	}

	private StreamsDescriptor describe(List<TrackedStream> streams) {
		Instant now = Instant.now();
		List<StreamDescriptor> descriptors = streams.stream().map((stream) -> StreamDescriptor.of(stream, now)).toList();
		return new StreamsDescriptor(this.registry.count(StreamSide.CLIENT), this.registry.count(StreamSide.SERVER),
				descriptors);
	}

	/**
	 * All open streams.
	 *
	 * @param client how many client streams are open
	 * @param server how many server streams are open
	 * @param streams the streams listed
	 */
	public record StreamsDescriptor(int client, int server, List<StreamDescriptor> streams) {

	}

	/**
	 * The outcome of an operator's cancel.
	 *
	 * @param id the stream's id
	 * @param cancelled whether the stream was open and the cancel ended it; false when it had
	 * already ended or never existed
	 */
	public record CancellationDescriptor(long id, boolean cancelled) {

	}

	/**
	 * One open stream.
	 *
	 * @param id process-unique id, in opening order
	 * @param side client or server
	 * @param origin the channel (client) or the service (server)
	 * @param method the full method name
	 * @param type the call type
	 * @param peer the channel's target (client) or the remote address (server)
	 * @param startedAt when the call started
	 * @param age how long it has been open
	 * @param idleFor how long since a message last moved or was consumed
	 * @param messagesSent messages this side sent
	 * @param messagesReceived messages this side received
	 * @param halfClosed whether the client half-closed it
	 * @param deadlineRemaining time left before its deadline, or null without one
	 * @param drainNoticeGiven whether it had its drain notice (shutdown, or server max age)
	 * @param openedAt where it was opened (client side), if known
	 */
	public record StreamDescriptor(long id, StreamSide side, String origin, String method, String type, String peer,
			Instant startedAt, Duration age, Duration idleFor, long messagesSent, long messagesReceived,
			boolean halfClosed, Duration deadlineRemaining, boolean drainNoticeGiven, String openedAt) {

		static StreamDescriptor of(TrackedStream stream, Instant now) {
			Instant started = stream.startedAt();
			return new StreamDescriptor(stream.id(), stream.side(), stream.origin(), stream.fullMethodName(),
					stream.type().name(), stream.peer(), started,
					(started != null) ? Duration.between(started, now) : Duration.ZERO, stream.idleFor(),
					stream.messagesSent(), stream.messagesReceived(), stream.isHalfClosed(), stream.deadlineRemaining(),
					stream.isDrainNoticeGiven(), stream.openedAt());
		}

	}

}
