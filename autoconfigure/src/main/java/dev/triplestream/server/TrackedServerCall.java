package dev.triplestream.server;

import java.net.SocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.Status;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.triplestream.client.TimeoutSetting;
import dev.triplestream.stream.StreamRegistry;
import dev.triplestream.stream.StreamSide;
import dev.triplestream.stream.TrackedStream;

/**
 * A server call as the handler and the {@link StreamRegistry} see it.
 * <p>
 * grpc-java's {@link ServerCall} is not thread-safe, yet shutdown closes calls from its own thread
 * while handlers may be sending on theirs; so every operation on the underlying call runs under one
 * lock. Once {@link #cancel(Status)} has closed the call, what the handler still does to it (send,
 * close, request) is silently dropped, and the handler's listener is told {@code onCancel} rather
 * than {@code onComplete}, so cancellation handlers run as they would for a client cancellation.
 * The call leaves the registry at the first of: its close, its completion, its cancellation.
 * <p>
 * The call's lifecycle limits run on the server's timer: the idle check compares the time of the
 * last message (either way, recorded in a volatile field) with the timeout only when it fires, and
 * reschedules itself for the time left; the max-age check gives the drain notice, then ends the call
 * with {@code UNAVAILABLE} after the server's max-age grace.
 */
final class TrackedServerCall<Q, R> extends ForwardingServerCall.SimpleForwardingServerCall<Q, R>
		implements TrackedStream {

	private static final Log logger = LogFactory.getLog(TrackedServerCall.class);

	private final Object lock = new Object();

	private final StreamRegistry registry;

	private final long id;

	private final String peer;

	private final Instant startedAt = Instant.now();

	private final AtomicLong received = new AtomicLong();

	private final ServerStreamContext context;

	private final Consumer<TrackedServerCall<?, ?>> onEnd;

	private volatile long sent;

	private volatile long lastActivityNanos = System.nanoTime();

	private volatile boolean ended;

	private volatile ScheduledFuture<?> idleCheck;

	private volatile ScheduledFuture<?> ageCheck;

	private volatile boolean halfClosed;

	/** Guarded by {@link #lock}: the underlying call has been closed, by the handler or by us. */
	private boolean closed;

	/** Set under {@link #lock}: {@link #cancel(Status)} closed the call. */
	private volatile boolean forciblyClosed;

	/** How the call ended: the status it was closed with, or CANCELLED when the client cancelled. */
	private volatile Status endStatus;

	/**
	 * A call tracked in {@code registry}, under {@code limits} (both set, possibly to no limit);
	 * {@code onEnd} runs once when the call leaves the registry.
	 */
	TrackedServerCall(ServerCall<Q, R> call, StreamRegistry registry, ServerStreamLimits limits,
			Executor drainExecutor, Consumer<TrackedServerCall<?, ?>> onEnd) {
		super(call);
		this.registry = registry;
		this.id = registry.nextId();
		SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
		this.peer = (remote != null) ? remote.toString() : null;
		this.context = new ServerStreamContext(call.getMethodDescriptor().getFullMethodName(), this.startedAt,
				limits.idleTimeout(), limits.maxAge(), drainExecutor);
		this.onEnd = onEnd;
	}

	ServerStreamContext context() {
		return this.context;
	}

	/** Starts the idle and max-age checks the call's limits ask for, on {@code timer}. */
	void startTimers(ScheduledExecutorService timer, Duration maxAgeGrace) {
		TimeoutSetting idle = this.context.idleTimeoutSetting();
		if (idle.isSet()) {
			this.idleCheck = schedule(timer, () -> checkIdle(timer, idle), idle.value().toNanos());
		}
		TimeoutSetting maxAge = this.context.maxAgeSetting();
		if (maxAge.isSet()) {
			this.ageCheck = schedule(timer, () -> maxAgeReached(timer, maxAge, maxAgeGrace), maxAge.value().toNanos());
		}
		if (this.ended) {
			// Ended while the checks were being scheduled: untrack() may have missed them.
			cancelTimers();
		}
	}

	private void checkIdle(ScheduledExecutorService timer, TimeoutSetting timeout) {
		if (this.ended) {
			return;
		}
		long idle = System.nanoTime() - this.lastActivityNanos;
		long left = timeout.value().toNanos() - idle;
		if (left <= 0) {
			logger.debug("Ending " + this + ": idle for " + timeout.describe());
			cancel(Status.DEADLINE_EXCEEDED.withDescription("idle for " + timeout.describe()));
		}
		else {
			this.idleCheck = schedule(timer, () -> checkIdle(timer, timeout), left);
		}
	}

	private void maxAgeReached(ScheduledExecutorService timer, TimeoutSetting maxAge, Duration grace) {
		if (this.ended) {
			return;
		}
		logger.debug("Draining " + this + ": it reached its max age of " + maxAge.describe());
		halfClose();
		this.ageCheck = schedule(timer,
				() -> cancel(Status.UNAVAILABLE.withDescription("stream reached its max age of " + maxAge.describe())),
				grace.toNanos());
	}

	private ScheduledFuture<?> schedule(ScheduledExecutorService timer, Runnable check, long delayNanos) {
		try {
			return timer.schedule(check, delayNanos, TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			// The server has stopped: its drain ends this call.
			return null;
		}
	}

	private void cancelTimers() {
		ScheduledFuture<?> idle = this.idleCheck;
		if (idle != null) {
			idle.cancel(false);
		}
		ScheduledFuture<?> age = this.ageCheck;
		if (age != null) {
			age.cancel(false);
		}
	}

	/** Wraps the handler's listener so that the call's end and its inbound side are tracked. */
	ServerCall.Listener<Q> listener(ServerCall.Listener<Q> handlerListener) {
		return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(handlerListener) {

			@Override
			public void onMessage(Q message) {
				TrackedServerCall.this.received.incrementAndGet();
				TrackedServerCall.this.lastActivityNanos = System.nanoTime();
				super.onMessage(message);
			}

			@Override
			public void onHalfClose() {
				TrackedServerCall.this.halfClosed = true;
				super.onHalfClose();
			}

			@Override
			public void onComplete() {
				try {
					if (TrackedServerCall.this.forciblyClosed) {
						// The handler did not end this call: to it, the call was cut short.
						super.onCancel();
					}
					else {
						super.onComplete();
					}
				}
				finally {
					untrack();
				}
			}

			@Override
			public void onCancel() {
				if (TrackedServerCall.this.endStatus == null) {
					TrackedServerCall.this.endStatus = Status.CANCELLED.withDescription("cancelled by the client");
				}
				try {
					super.onCancel();
				}
				finally {
					untrack();
				}
			}

		};
	}

	/** Stops tracking the call, its timers and its drain actions; idempotent. */
	void untrack() {
		if (this.registry.remove(this)) {
			this.ended = true;
			cancelTimers();
			this.context.ended();
			this.onEnd.accept(this);
		}
	}

	// ServerCall, as the handler uses it

	@Override
	public void request(int numMessages) {
		synchronized (this.lock) {
			if (!this.forciblyClosed) {
				super.request(numMessages);
			}
		}
	}

	@Override
	public void sendHeaders(Metadata headers) {
		synchronized (this.lock) {
			if (!this.forciblyClosed) {
				super.sendHeaders(headers);
			}
		}
	}

	@Override
	public void sendMessage(R message) {
		synchronized (this.lock) {
			if (!this.forciblyClosed) {
				super.sendMessage(message);
				this.sent++;
				this.lastActivityNanos = System.nanoTime();
			}
		}
	}

	@Override
	public boolean isReady() {
		synchronized (this.lock) {
			return !this.forciblyClosed && super.isReady();
		}
	}

	@Override
	public void close(Status status, Metadata trailers) {
		synchronized (this.lock) {
			if (this.forciblyClosed) {
				return;
			}
			// A second close by the handler is its bug: let grpc-java report it as usual.
			this.closed = true;
			if (this.endStatus == null) {
				this.endStatus = status;
			}
			super.close(status, trailers);
		}
		untrack();
	}

	@Override
	public boolean isCancelled() {
		synchronized (this.lock) {
			return this.forciblyClosed || super.isCancelled();
		}
	}

	@Override
	public void setMessageCompression(boolean enabled) {
		synchronized (this.lock) {
			if (!this.forciblyClosed) {
				super.setMessageCompression(enabled);
			}
		}
	}

	@Override
	public void setCompression(String compressor) {
		synchronized (this.lock) {
			if (!this.forciblyClosed) {
				super.setCompression(compressor);
			}
		}
	}

	@Override
	public void setOnReadyThreshold(int numBytes) {
		synchronized (this.lock) {
			if (!this.forciblyClosed) {
				super.setOnReadyThreshold(numBytes);
			}
		}
	}

	@Override
	public void triggerEvent(Object event) {
		synchronized (this.lock) {
			if (!this.forciblyClosed) {
				super.triggerEvent(event);
			}
		}
	}

	// TrackedStream, as shutdown and monitoring use it

	@Override
	public long id() {
		return this.id;
	}

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
	public Instant startedAt() {
		return this.startedAt;
	}

	@Override
	public long messagesSent() {
		return this.sent;
	}

	@Override
	public long messagesReceived() {
		return this.received.get();
	}

	@Override
	public boolean isHalfClosed() {
		return this.halfClosed;
	}

	@Override
	public String openedAt() {
		return null;
	}

	/**
	 * Gives the handler its drain notice: runs the actions it registered with
	 * {@link ServerStreamContext#onDrain(Runnable)}, on the server's drain threads. Idempotent; never
	 * blocks. The call stays open until the handler ends it or something cancels it.
	 */
	@Override
	public void halfClose() {
		this.context.drain();
	}

	/**
	 * Closes the call with {@code status} (the peer receives it as the call's status) unless it is
	 * already closed. From then on the handler's operations on the call are dropped and the handler
	 * observes a cancellation. Never blocks beyond a send the handler may be making at that moment.
	 */
	@Override
	public void cancel(Status status) {
		synchronized (this.lock) {
			if (this.closed) {
				return;
			}
			this.closed = true;
			this.forciblyClosed = true;
			this.endStatus = status;
			delegate().close(status, new Metadata());
		}
		untrack();
	}

	@Override
	public Status status() {
		return this.endStatus;
	}

	@Override
	public String toString() {
		return "server stream #" + this.id + " " + fullMethodName() + " from " + this.peer;
	}

}
