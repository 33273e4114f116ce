package dev.triplestream.server;

import java.util.concurrent.TimeUnit;

import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Metadata;
import io.grpc.ServerStreamTracer;
import io.grpc.Status;

import dev.triplestream.stream.EndReason;

/**
 * Tells a {@link TrackedServerCall} how its stream closed, as the transport saw it: the one place
 * where a call that neither the handler nor the server ended learns why it ended.
 * <p>
 * grpc-java gives the handler's listener only {@code onCancel()} for every such end, and cancels
 * the call's {@code Context} later, on another thread, often with a generic cause. A stream tracer
 * is told {@link #streamClosed(Status) the status} first, on the transport's thread, before any
 * listener callback is even queued: the status the handler closed with when it did, else the one
 * the transport reports (a reset, a lost connection, the deadline). The tracer puts itself in the
 * call's {@code Context} ({@link #filterContext}), where the tracking interceptor finds it and
 * {@linkplain #link links} its call; whichever of the two comes second delivers the status.
 * <p>
 * Thread-safe.
 */
final class CallEndTracer extends ServerStreamTracer {

	/** Adds a tracer to every stream of a server. */
	static final ServerStreamTracer.Factory FACTORY = new ServerStreamTracer.Factory() {

		@Override
		public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
			return new CallEndTracer();
		}

	};

	/** What the netty transport reports when the client cancels: RST_STREAM with CANCEL (0x8). */
	static final String CLIENT_CANCEL_DESCRIPTION = "RST_STREAM received for code 8";

	private static final String RESET_DESCRIPTION = "RST_STREAM received for code ";

	/**
	 * How close to its deadline a stream's reset counts as the deadline, at most: a quarter of the
	 * time the call had when it started, if less. The server's deadline runs from when the call's
	 * headers arrived, so a client's reset at its own deadline arrives a little before the server's:
	 * by how much the headers were delayed more than the reset.
	 */
	static final long DEADLINE_SLACK_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

	private static final Context.Key<CallEndTracer> KEY = Context.key("triplestream.call-end-tracer");

	private volatile TrackedServerCall<?, ?> call;

	private volatile Status closed;

	@Override
	public Context filterContext(Context context) {
		return context.withValue(KEY, this);
	}

	/**
	 * The transport framed an outgoing message of {@code bytes}, on the thread sending it (see
	 * {@link OutboundBacklog}).
	 */
	@Override
	public void outboundWireSize(long bytes) {
		TrackedServerCall<?, ?> linked = this.call;
		if (linked != null) {
			linked.outboundWireSize(bytes);
		}
	}

	@Override
	public void streamClosed(Status status) {
		this.closed = status;
		TrackedServerCall<?, ?> linked = this.call;
		if (linked != null) {
			linked.transportClosed(status);
		}
	}

	/**
	 * Links {@code call} to the tracer of the current gRPC context, the call's own; tells it at once
	 * when its stream has already closed. Does nothing when the context has no tracer.
	 */
	static void link(TrackedServerCall<?, ?> call) {
		CallEndTracer tracer = KEY.get();
		if (tracer == null) {
			return;
		}
		tracer.call = call;
		Status status = tracer.closed;
		if (status != null) {
			call.transportClosed(status);
		}
	}

	/** The slack of a call that has {@code deadline} (null for none) as it starts. */
	static long deadlineSlackNanos(Deadline deadline) {
		return (deadline != null) ? Math.min(DEADLINE_SLACK_NANOS, deadline.timeRemaining(TimeUnit.NANOSECONDS) / 4)
				: 0;
	}

	/**
	 * Why a stream ended that its handler did not close, from the status the transport reported and
	 * the call's deadline (null when it has none) with its slack.
	 * <ul>
	 * <li>the deadline, when it has passed or is less than {@code deadlineSlackNanos} away (see
	 * {@link #deadlineSlackNanos}): a client at its deadline resets the stream at about the time the
	 * server's own deadline timer fires, and either may come first;</li>
	 * <li>a cancellation by the client's application: RST_STREAM with CANCEL over the network, any
	 * {@code CANCELLED} in-process;</li>
	 * <li>a limit of the server, for {@code RESOURCE_EXHAUSTED}: grpc-java's deframer ends a stream
	 * whose client sent a message over {@code max-inbound-message-size} with it;</li>
	 * <li>otherwise the peer is gone: a lost connection ({@code UNAVAILABLE}), another reset code, a
	 * transport error.</li>
	 * </ul>
	 */
	static EndReason reasonFor(Status status, Deadline deadline, long deadlineSlackNanos) {
		if (status.isOk()) {
			return EndReason.COMPLETED;
		}
		if (status.getCode() == Status.Code.DEADLINE_EXCEEDED
				|| (deadline != null && deadline.timeRemaining(TimeUnit.NANOSECONDS) < deadlineSlackNanos)) {
			return EndReason.DEADLINE;
		}
		if (status.getCode() == Status.Code.RESOURCE_EXHAUSTED) {
			// A status the transport reports, not the handler's: the server's own limit, such as a
			// message over max-inbound-message-size (a client's resets read as CANCELLED).
			return EndReason.LIMIT_EXCEEDED;
		}
		if (status.getCode() == Status.Code.CANCELLED) {
			String description = status.getDescription();
			if (description == null || description.equals(CLIENT_CANCEL_DESCRIPTION)
					|| !description.startsWith(RESET_DESCRIPTION)) {
				return EndReason.CANCELLED_BY_APPLICATION;
			}
		}
		return EndReason.PEER_GONE;
	}

}
