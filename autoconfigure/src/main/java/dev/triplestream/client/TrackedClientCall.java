package dev.triplestream.client;

import java.time.Duration;

import io.grpc.Attributes;
import io.grpc.ClientCall;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;

import dev.triplestream.stream.CallSerializer;
import dev.triplestream.stream.EndReason;
import dev.triplestream.stream.LifecycleStream;
import dev.triplestream.stream.StreamLifecycle;
import dev.triplestream.stream.StreamSide;

/**
 * A client call under triplestream's lifecycle: a thin adapter from grpc's {@link ClientCall} onto
 * a {@link StreamLifecycle}, which registers it, times it out when idle, records how it ended and
 * has it drained at shutdown.
 * <p>
 * grpc-java's {@link ClientCall} is not thread-safe, yet the application's sender, a timer, the
 * drain and an operator may all act on one call: every operation on the delegate but
 * {@code request} (which is thread-safe) goes through a {@link CallSerializer}, so no lock is held
 * while grpc or a listener runs. When the lifecycle ends the call (idle timeout, drain, leak, an
 * operator, {@code close()}), the application observes the status it ended with, agreeing with the
 * recorded end reason: not a bare CANCELLED, nor a status the peer or a deadline delivered after.
 */
final class TrackedClientCall<Req, Resp> extends ClientCall<Req, Resp> implements LifecycleStream {

	/** How grpc-java's deframer describes a message over the receiving side's size limit. */
	static final String MESSAGE_TOO_LARGE = "gRPC message exceeds maximum size";

	private final ClientCall<Req, Resp> delegate;

	private final MethodDescriptor<Req, Resp> method;

	private final ClientStreams streams;

	private final String channelName;

	private final String target;

	private final StreamSettings settings;

	private final Deadline deadline;

	private final TimeoutSetting deadlineSetting;

	private final OpeningSite openedAt;

	private final boolean refused;

	/** The gRPC context the call was made in, whose cancellation cancels the call. */
	private final Context callerContext = Context.current();

	private final StreamLifecycle lifecycle;

	private final CallSerializer serializer = new CallSerializer();

	/** Written by the sending thread only; read by monitoring, which may lag. */
	private long messagesSent;

	/** Written by the transport's callback only; read by monitoring, which may lag. */
	private long messagesReceived;

	private volatile boolean halfClosed;

	private volatile boolean halfClosedByDrain;

	/** Written inside the serializer only; read outside to fail a queued send early. */
	private volatile boolean cancelled;

	private volatile boolean trailersReceived;

	/** This side cut the call: its end is known before grpc delivers it. */
	private volatile boolean cutHere;

	/** Told when this side ends the call or half-closes it for the drain: a blocking handle's waits. */
	private volatile Runnable wakeUp;

	TrackedClientCall(ClientCall<Req, Resp> delegate, MethodDescriptor<Req, Resp> method, ClientStreams streams,
			String channelName, String target, StreamSettings settings, Deadline deadline,
			TimeoutSetting deadlineSetting, OpeningSite openedAt, boolean refused) {
		this.delegate = delegate;
		this.method = method;
		this.streams = streams;
		this.channelName = channelName;
		this.target = target;
		this.settings = settings;
		this.deadline = deadline;
		this.deadlineSetting = deadlineSetting;
		this.openedAt = openedAt;
		this.refused = refused;
		// A unary call is not a stream: its deadline bounds it, and a server that takes longer than
		// the idle timeout to compute one answer is not idle.
		boolean idleClock = settings.idleTimeout().isSet() && method.getType() != MethodDescriptor.MethodType.UNARY;
		this.lifecycle = new StreamLifecycle(streams.registry(), idleClock ? settings.idleTimeout().value() : null,
				settings.idleTimeout().describe(), streams.noticeExecutor());
	}

	@Override
	public StreamLifecycle lifecycle() {
		return this.lifecycle;
	}

	StreamSettings settings() {
		return this.settings;
	}

	ClientStreams streams() {
		return this.streams;
	}

	/** Whether this side cut the call, so that its recorded end stands before grpc delivers one. */
	boolean isCutHere() {
		return this.cutHere;
	}

	void setWakeUp(Runnable wakeUp) {
		this.wakeUp = wakeUp;
	}

	@Override
	public void start(Listener<Resp> responseListener, Metadata headers) {
		this.serializer.run(() -> {
			this.lifecycle.register(this, this::cut);
			try {
				this.delegate.start(new TrackingClientListener<>(this, responseListener), headers);
			}
			catch (RuntimeException | Error ex) {
				// Never left registered and never started.
				this.lifecycle.end(EndReason.FAILED, Status.fromThrowable(ex));
				throw ex;
			}
		});
		this.lifecycle.startIdleClock(this.streams.timer());
	}

	@Override
	public void request(int numMessages) {
		this.delegate.request(numMessages);
	}

	@Override
	public void sendMessage(Req message) {
		if (this.serializer.tryEnter()) {
			try {
				sendNow(message);
			}
			finally {
				this.serializer.exit();
			}
		}
		else {
			// Another operation is running (perhaps on this thread, a callback re-entering): queue
			// the send behind it, having reported what can be known now.
			checkSendable();
			this.serializer.execute(() -> sendNow(message));
		}
		this.messagesSent++;
		this.lifecycle.touch();
	}

	private void sendNow(Req message) {
		checkSendable();
		this.delegate.sendMessage(message);
	}

	private void checkSendable() {
		if (this.cancelled) {
			// The lifecycle (idle timer, drain, leak detector, close) ended the call: say why,
			// rather than grpc's bare "call was cancelled".
			Status end = this.lifecycle.endStatus();
			throw ((end != null) ? end : Status.CANCELLED).asRuntimeException();
		}
		if (this.halfClosedByDrain) {
			throw Status.UNAVAILABLE.withDescription(ClientStreams.SHUTTING_DOWN + ": the stream was half-closed")
				.asRuntimeException();
		}
	}

	@Override
	public void halfClose() {
		this.serializer.run(this::halfCloseNow);
	}

	/** Runs in the serializer. */
	private void halfCloseNow() {
		if (!this.cancelled && !this.halfClosed) {
			this.halfClosed = true;
			this.delegate.halfClose();
		}
	}

	/** The application cancels the call (a handle's cancel, grpc's stubs, a future's cancel). */
	@Override
	public void cancel(String message, Throwable cause) {
		Status status = Status.CANCELLED.withDescription(message).withCause(cause);
		if (!this.lifecycle.terminate(EndReason.CANCELLED_BY_APPLICATION, status)) {
			// Already ended: grpc's contract still wants the cancel passed on (harmless if closed).
			cut(status);
		}
	}

	@Override
	public boolean isReady() {
		return this.delegate.isReady();
	}

	@Override
	public void setMessageCompression(boolean enabled) {
		this.serializer.run(() -> this.delegate.setMessageCompression(enabled));
	}

	@Override
	public Attributes getAttributes() {
		return this.delegate.getAttributes();
	}

	/** Cuts the call: the lifecycle's terminator. Never blocks. */
	private void cut(Status status) {
		this.cutHere = true;
		this.serializer.execute(() -> {
			if (!this.cancelled) {
				this.cancelled = true;
				this.delegate.cancel(status.getDescription(), status.getCause());
			}
		});
		wake();
	}

	private void wake() {
		Runnable hook = this.wakeUp;
		if (hook != null) {
			hook.run();
		}
	}

	void streamCreated() {
		this.trailersReceived = false;
		this.lifecycle.established();
	}

	void trailersReceived() {
		this.trailersReceived = true;
	}

	/** A response arrived from the transport. */
	void received() {
		this.messagesReceived++;
		this.lifecycle.touch();
	}

	/** Records activity that the application consumed a message: a slow steady reader is not idle. */
	void consumed() {
		this.lifecycle.touch();
	}

	/** Why the call ended, given the status grpc delivered and what this side knows. */
	EndReason classify(Status status) {
		if (this.refused) {
			return EndReason.REFUSED;
		}
		if (status.isOk()) {
			return EndReason.COMPLETED;
		}
		boolean expired = this.deadline != null && this.deadline.isExpired();
		if (status.getCode() == Status.Code.DEADLINE_EXCEEDED && (expired || !this.trailersReceived)) {
			return EndReason.DEADLINE;
		}
		if (this.trailersReceived) {
			return EndReason.FAILED;
		}
		// No trailers: the status is grpc's own. A message over this channel's inbound limit, the
		// caller's gRPC context cancelled, or else the connection failed or the peer reset the stream.
		if (isOwnSizeLimit(status)) {
			return EndReason.LIMIT_EXCEEDED;
		}
		return this.callerContext.isCancelled() ? EndReason.CANCELLED_BY_APPLICATION : EndReason.PEER_GONE;
	}

	/**
	 * Whether grpc ended the call for a response larger than the channel's
	 * {@code max-inbound-message-size}: its deframer's {@code RESOURCE_EXHAUSTED}, not one from the
	 * peer (a peer's {@code ENHANCE_YOUR_CALM} reset or GOAWAY also reads as
	 * {@code RESOURCE_EXHAUSTED}, described otherwise).
	 */
	static boolean isOwnSizeLimit(Status status) {
		String description = status.getDescription();
		return status.getCode() == Status.Code.RESOURCE_EXHAUSTED && description != null
				&& description.startsWith(MESSAGE_TOO_LARGE);
	}

	/** The delivered status, with the setting that timed the call out named in its description. */
	Status explain(Status status) {
		if (status.getCode() == Status.Code.DEADLINE_EXCEEDED && this.deadline != null && this.deadline.isExpired()
				&& this.deadlineSetting != null) {
			return status.withDescription(
					"deadline of " + this.deadlineSetting.describe() + " exceeded: " + status.getDescription());
		}
		return status;
	}

	// TrackedStream

	@Override
	public StreamSide side() {
		return StreamSide.CLIENT;
	}

	@Override
	public String origin() {
		return this.channelName;
	}

	@Override
	public String fullMethodName() {
		return this.method.getFullMethodName();
	}

	@Override
	public MethodDescriptor.MethodType type() {
		return this.method.getType();
	}

	@Override
	public String peer() {
		return this.target;
	}

	@Override
	public long messagesSent() {
		return this.messagesSent;
	}

	@Override
	public long messagesReceived() {
		return this.messagesReceived;
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
		return (this.openedAt != null) ? this.openedAt.toString() : null;
	}

	/**
	 * Half-closes a bidi stream under the {@code half-close} policy whose application registered
	 * no drain action; nothing else (see {@link DrainPolicy}).
	 */
	@Override
	public void takeDrainStep() {
		if (this.method.getType() != MethodDescriptor.MethodType.BIDI_STREAMING
				|| this.settings.drainPolicy() != DrainPolicy.HALF_CLOSE || this.lifecycle.hasDrainActions()) {
			return;
		}
		this.serializer.execute(() -> {
			if (!this.cancelled && !this.halfClosed) {
				this.halfClosedByDrain = true;
				halfCloseNow();
			}
		});
		wake();
	}

	@Override
	public String toString() {
		return "client stream #" + id() + " " + this.method.getFullMethodName() + " on channel '" + this.channelName
				+ "'";
	}

}
