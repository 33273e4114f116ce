package dev.triplestream.client;

import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.grpc.Attributes;
import io.grpc.ClientCall;
import io.grpc.Deadline;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;

import dev.triplestream.stream.StreamSide;
import dev.triplestream.stream.TrackedStream;

/**
 * A client call under triplestream's lifecycle: registered while open, cancelled when idle for
 * too long, half-closed and then cancelled by the shutdown drain.
 * <p>
 * grpc-java's {@link ClientCall} is not thread-safe, yet the application's sender, its receiver,
 * the idle timer and the shutdown drain may all act on one call. Every operation on the delegate is
 * therefore made under {@link #lock}. Listener callbacks never take that lock, so a transport that
 * calls back on the thread that is sending cannot deadlock.
 */
final class TrackedClientCall<Req, Resp> extends ClientCall<Req, Resp> implements TrackedStream {

	private final ClientCall<Req, Resp> delegate;

	private final MethodDescriptor<Req, Resp> method;

	private final ClientStreams streams;

	private final String channelName;

	private final String target;

	private final StreamSettings settings;

	private final Deadline deadline;

	private final TimeoutSetting deadlineSetting;

	private final OpeningSite openedAt;

	private final long id;

	/** Whether an idle timeout applies, so that messages must move the activity clock. */
	private final boolean idleClock;

	private final Object lock = new Object();

	private Instant startedAt;

	private volatile long messagesSent;

	private volatile long messagesReceived;

	private volatile long lastActivityNanos;

	private volatile boolean established;

	private volatile boolean halfClosed;

	private volatile boolean cancelled;

	private volatile boolean done;

	private volatile Status endStatus;

	/** The status the application sees when this side ended the call (instead of CANCELLED). */
	private volatile Status localEndStatus;

	/** Run once when the drain half-closes the call, to let pending responses through. */
	private volatile Runnable drainAction;

	private volatile ScheduledFuture<?> idleCheck;

	TrackedClientCall(ClientCall<Req, Resp> delegate, MethodDescriptor<Req, Resp> method, ClientStreams streams,
			String channelName, String target, StreamSettings settings, Deadline deadline,
			TimeoutSetting deadlineSetting, OpeningSite openedAt) {
		this.delegate = delegate;
		this.method = method;
		this.streams = streams;
		this.channelName = channelName;
		this.target = target;
		this.settings = settings;
		this.deadline = deadline;
		this.deadlineSetting = deadlineSetting;
		this.openedAt = openedAt;
		this.id = streams.registry().nextId();
		this.idleClock = settings.idleTimeout().isSet() && method.getType() != MethodDescriptor.MethodType.UNARY;
	}

	@Override
	public void start(Listener<Resp> responseListener, Metadata headers) {
		this.startedAt = Instant.now();
		this.lastActivityNanos = System.nanoTime();
		synchronized (this.lock) {
			// Registered under the lock, so that the drain cannot half-close a call whose delegate
			// has not started yet (grpc would throw "Not started" and abort the drain).
			this.streams.registry().add(this);
			this.delegate.start(new TrackingListener(responseListener), headers);
		}
		// A unary call is not a stream: its deadline bounds it, and a server that takes longer than
		// the idle timeout to compute one answer is not idle.
		if (this.idleClock && !this.done) {
			scheduleIdleCheck(this.settings.idleTimeout().value().toNanos());
		}
	}

	@Override
	public void request(int numMessages) {
		synchronized (this.lock) {
			this.delegate.request(numMessages);
		}
	}

	@Override
	public void cancel(String message, Throwable cause) {
		synchronized (this.lock) {
			this.cancelled = true;
			this.delegate.cancel(message, cause);
		}
	}

	@Override
	public void halfClose() {
		synchronized (this.lock) {
			if (this.cancelled) {
				return;
			}
			if (!this.halfClosed) {
				this.halfClosed = true;
				this.delegate.halfClose();
			}
		}
		// Also when the application half-closed first (every server stream, a bidi stream after
		// closeSend()): a server that has finished still needs its pending responses let through
		// before its trailers can arrive, or the drain would wait out the grace period and cancel it.
		Runnable action = this.drainAction;
		if (action != null && this.streams.isShuttingDown() && !this.done) {
			action.run();
		}
	}

	@Override
	public void sendMessage(Req message) {
		synchronized (this.lock) {
			Status localEnd = this.localEndStatus;
			if (this.cancelled && localEnd != null) {
				// The lifecycle (idle timer, drain, leak detector, a handle's cancel) ended the call:
				// say why, rather than grpc's bare "call was cancelled".
				throw localEnd.asRuntimeException();
			}
			if (this.halfClosed && this.streams.isShuttingDown()) {
				// The drain half-closed the call under the application's feet: say why, rather
				// than grpc's bare "call was half-closed".
				throw Status.UNAVAILABLE.withDescription(ClientStreams.SHUTTING_DOWN + ": the stream was half-closed")
					.asRuntimeException();
			}
			this.delegate.sendMessage(message);
		}
		this.messagesSent++;
		if (this.idleClock) {
			this.lastActivityNanos = System.nanoTime();
		}
	}

	@Override
	public boolean isReady() {
		return this.delegate.isReady();
	}

	@Override
	public void setMessageCompression(boolean enabled) {
		synchronized (this.lock) {
			this.delegate.setMessageCompression(enabled);
		}
	}

	@Override
	public Attributes getAttributes() {
		return this.delegate.getAttributes();
	}

	/** Ends the call now; the application sees {@code status} instead of a bare CANCELLED. */
	@Override
	public void cancel(Status status) {
		if (this.done) {
			return;
		}
		if (this.localEndStatus == null) {
			this.localEndStatus = status;
		}
		cancel(status.getDescription(), status.getCause());
	}

	/** The call's stream now exists on a transport: connecting is over, the idle clock starts. */
	void streamEstablished() {
		this.lastActivityNanos = System.nanoTime();
		this.established = true;
	}

	void setDrainAction(Runnable drainAction) {
		this.drainAction = drainAction;
	}

	boolean isDone() {
		return this.done;
	}

	boolean isCancelled() {
		return this.cancelled;
	}

	StreamSettings settings() {
		return this.settings;
	}

	private void scheduleIdleCheck(long delayNanos) {
		ScheduledFuture<?> check = this.streams.timer().schedule(this::checkIdle, delayNanos, TimeUnit.NANOSECONDS);
		this.idleCheck = check;
		if (this.done) {
			check.cancel(false);
		}
	}

	private void checkIdle() {
		if (this.done) {
			return;
		}
		long timeout = this.settings.idleTimeout().value().toNanos();
		if (!this.established) {
			// Connecting is not idleness: the clock starts once the stream is established.
			scheduleIdleCheck(timeout);
			return;
		}
		long idle = System.nanoTime() - this.lastActivityNanos;
		if (idle >= timeout) {
			cancel(Status.DEADLINE_EXCEEDED.withDescription("idle for " + this.settings.idleTimeout().describe()));
		}
		else {
			scheduleIdleCheck(timeout - idle);
		}
	}

	private Status explain(Status status) {
		Status local = this.localEndStatus;
		if (local != null && status.getCode() == Status.Code.CANCELLED) {
			return local;
		}
		if (status.getCode() == Status.Code.DEADLINE_EXCEEDED && this.deadline != null && this.deadline.isExpired()
				&& this.deadlineSetting != null) {
			return status.withDescription(
					"deadline of " + this.deadlineSetting.describe() + " exceeded: " + status.getDescription());
		}
		return status;
	}

	// TrackedStream

	@Override
	public long id() {
		return this.id;
	}

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
	public Instant startedAt() {
		return this.startedAt;
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
	public Status status() {
		return this.endStatus;
	}

	@Override
	public String openedAt() {
		return (this.openedAt != null) ? this.openedAt.toString() : null;
	}

	@Override
	public String toString() {
		return "client stream #" + this.id + " " + this.method.getFullMethodName() + " on channel '" + this.channelName
				+ "'";
	}

	private final class TrackingListener extends ClientCall.Listener<Resp> {

		private final ClientCall.Listener<Resp> delegate;

		TrackingListener(ClientCall.Listener<Resp> delegate) {
			this.delegate = delegate;
		}

		@Override
		public void onHeaders(Metadata headers) {
			markActive();
			this.delegate.onHeaders(headers);
		}

		@Override
		public void onMessage(Resp message) {
			TrackedClientCall.this.messagesReceived++;
			markActive();
			this.delegate.onMessage(message);
		}

		@Override
		public void onReady() {
			if (!TrackedClientCall.this.established) {
				markActive();
			}
			this.delegate.onReady();
		}

		@Override
		public void onClose(Status status, Metadata trailers) {
			Status explained = explain(status);
			TrackedClientCall.this.endStatus = explained;
			TrackedClientCall.this.done = true;
			ScheduledFuture<?> check = TrackedClientCall.this.idleCheck;
			if (check != null) {
				check.cancel(false);
			}
			try {
				this.delegate.onClose(explained, trailers);
			}
			finally {
				// Only once the application has been told: the shutdown drain waits for an empty
				// registry, and every stream it ended must have its end delivered when it returns.
				TrackedClientCall.this.streams.registry().remove(TrackedClientCall.this);
			}
		}

		private void markActive() {
			if (TrackedClientCall.this.idleClock) {
				TrackedClientCall.this.lastActivityNanos = System.nanoTime();
			}
			if (!TrackedClientCall.this.established) {
				TrackedClientCall.this.established = true;
			}
		}

	}

}
