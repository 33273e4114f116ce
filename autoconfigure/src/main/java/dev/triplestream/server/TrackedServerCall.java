package dev.triplestream.server;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import io.grpc.Deadline;
import io.grpc.Grpc;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.Status;

import dev.triplestream.stream.EndReason;
import dev.triplestream.stream.LifecycleStream;
import dev.triplestream.stream.StreamLifecycle;
import dev.triplestream.stream.StreamSide;

/**
 * A server call as the handler and the {@link dev.triplestream.stream.StreamRegistry} see it: a
 * thin adapter of grpc-java's {@link ServerCall} onto its {@link StreamLifecycle}.
 * <p>
 * <b>The end</b> is recorded once, by the first of: the handler's {@code close} (completed, or
 * failed with its status), the handler throwing (failed, with the status grpc-java sends), the
 * transport closing the stream ({@link CallEndTracer}: the client's cancel, the deadline, a lost
 * connection), and the lifecycle ending the call itself (idle timeout, max age, the drain, an
 * operator). In the last case the call is {@linkplain SerializedServerCall cut}: closed with the
 * lifecycle's status, what the handler still does to it is dropped, and the handler's listener is
 * told {@code onCancel} rather than {@code onComplete}, as for a client's cancellation.
 * <p>
 * <b>What the client leaves unread</b> is counted in an {@link OutboundBacklog} (unless neither
 * {@code max-pending-outbound} nor an idle timeout applies): one atomic add per message sent, and a
 * ready check per 32 KiB; a send into a call that is not ready is not activity for the idle clock,
 * and a backlog over the limit ends the call ({@link EndReason#LIMIT_EXCEEDED}).
 * <p>
 * Without an idle timeout, a message sent or received reads no clock; the message counters are plain
 * fields that monitoring may read late. Thread-safe.
 */
final class TrackedServerCall<Q, R> extends SerializedServerCall<Q, R> implements LifecycleStream {

	/** The description grpc-java gives the status of a call whose handler threw. */
	static final String APPLICATION_ERROR = "Application error processing RPC";

	private final StreamLifecycle lifecycle;

	private final ServerStreamContext context;

	private final String peer;

	private final Consumer<TrackedServerCall<?, ?>> onEnd;

	private final Deadline deadline;

	private final long deadlineSlackNanos;

	/** What the handler sent that the client has not taken; null with neither limit nor idle clock. */
	private final OutboundBacklog backlog;

	/** The delegate's {@code isReady}, made once: a send must not allocate one each time. */
	private final BooleanSupplier readyCheck;

	/** Written by grpc-java's serialized callbacks. */
	private long received;

	private volatile boolean halfClosed;

	/**
	 * A call of {@code lifecycle}, under {@code limits} (both set, possibly to no limit), with the
	 * deadline of its gRPC context (null for none) and the most bytes its client may leave unread
	 * ({@code maxPendingOutbound}, 0 for no limit: see {@link OutboundBacklog}); {@code onEnd} runs
	 * once, when the call's end is recorded.
	 */
	TrackedServerCall(ServerCall<Q, R> call, StreamLifecycle lifecycle, ServerStreamLimits limits, Deadline deadline,
			long maxPendingOutbound, Consumer<TrackedServerCall<?, ?>> onEnd) {
		super(call);
		this.lifecycle = lifecycle;
		this.readyCheck = delegate()::isReady;
		this.backlog = (maxPendingOutbound > 0 || lifecycle.hasIdleClock()) ? new OutboundBacklog(maxPendingOutbound)
				: null;
		this.deadline = deadline;
		this.deadlineSlackNanos = CallEndTracer.deadlineSlackNanos(deadline);
		SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
		this.peer = (remote != null) ? remote.toString() : null;
		this.context = new ServerStreamContext(call.getMethodDescriptor().getFullMethodName(), lifecycle,
				limits.idleTimeout(), limits.maxAge());
		this.onEnd = onEnd;
	}

	ServerStreamContext context() {
		return this.context;
	}

	@Override
	public StreamLifecycle lifecycle() {
		return this.lifecycle;
	}

	/** Tracks the call in the registry until its end. */
	void register() {
		this.lifecycle.register(this, this::terminated);
	}

	// How the call ends

	/** The transport closed the stream with {@code status} (see {@link CallEndTracer}). */
	void transportClosed(Status status) {
		recordEnd(CallEndTracer.reasonFor(status, this.deadline, this.deadlineSlackNanos), status);
	}

	/** The handler threw: grpc-java closes the stream with {@code status}. */
	void handlerFailed(Status status) {
		recordEnd(EndReason.FAILED, status);
	}

	private boolean recordEnd(EndReason reason, Status status) {
		if (!this.lifecycle.end(reason, status)) {
			return false;
		}
		this.onEnd.accept(this);
		return true;
	}

	/** The lifecycle ended the call itself: cut it. */
	private void terminated(Status status) {
		this.onEnd.accept(this);
		cut(status);
	}

	@Override
	protected boolean closing(Status status) {
		return recordEnd(status.isOk() ? EndReason.COMPLETED : EndReason.FAILED, status);
	}

	/**
	 * A message went out: activity for the idle clock while the client takes what is sent; the end
	 * of the call when its client left more than {@code maxPendingOutbound} unread.
	 */
	@Override
	protected void sent() {
		OutboundBacklog unread = this.backlog;
		if (unread == null) {
			return;
		}
		switch (unread.afterSend(this.readyCheck)) {
			case FLOWING -> this.lifecycle.touch();
			case STALLED -> {
				// The client takes nothing: not activity, so that a stream nobody reads becomes idle.
			}
			case OVER_LIMIT -> this.lifecycle.terminate(EndReason.LIMIT_EXCEEDED,
					Status.RESOURCE_EXHAUSTED.withDescription("client not reading: more than " + unread.limit()
							+ " bytes sent to it wait to be taken (" + TrackingServerInterceptor.MAX_PENDING_OUTBOUND_PROPERTY
							+ ")"));
		}
	}

	/** The transport framed a message of {@code wireBytes} for the client (see {@link CallEndTracer}). */
	void outboundWireSize(long wireBytes) {
		OutboundBacklog unread = this.backlog;
		if (unread != null) {
			unread.written(wireBytes);
		}
	}

	/** grpc-java reports the call ready: the client took what was waiting, which is activity. */
	void readied() {
		OutboundBacklog unread = this.backlog;
		if (unread != null) {
			unread.ready();
		}
		this.lifecycle.touch();
	}

	void messageReceived() {
		this.received++;
		this.lifecycle.touch();
	}

	void halfClosed() {
		this.halfClosed = true;
	}

	// TrackedStream, as shutdown and monitoring use it

	@Override
	public StreamSide side() {
		return StreamSide.SERVER;
	}

	@Override
	public String origin() {
		return getMethodDescriptor().getServiceName();
	}

	@Override
	public String fullMethodName() {
		return getMethodDescriptor().getFullMethodName();
	}

	@Override
	public MethodDescriptor.MethodType type() {
		return getMethodDescriptor().getType();
	}

	@Override
	public String peer() {
		return this.peer;
	}

	@Override
	public long messagesSent() {
		return sentCount();
	}

	@Override
	public long messagesReceived() {
		return this.received;
	}

	@Override
	public boolean isHalfClosed() {
		return this.halfClosed;
	}

	@Override
	public Duration deadlineRemaining() {
		return LifecycleStream.remaining(this.deadline);
	}

	@Override
	public String openedAt() {
		return null;
	}

	/**
	 * Nothing: on the server, the notice is the polite step (the handler's drain actions, see
	 * {@link ServerStreamContext#onDrain(Runnable)}); the call stays open until the handler ends it
	 * or the drain does.
	 */
	@Override
	public void takeDrainStep() {
	}

	@Override
	public String toString() {
		return "server stream #" + id() + " " + fullMethodName() + " from " + this.peer;
	}

}
