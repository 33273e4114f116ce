package dev.triplestream.server;

import java.net.SocketAddress;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.Status;

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
 */
final class TrackedServerCall<Q, R> extends ForwardingServerCall.SimpleForwardingServerCall<Q, R>
		implements TrackedStream {

	private final Object lock = new Object();

	private final StreamRegistry registry;

	private final long id;

	private final String peer;

	private final Instant startedAt = Instant.now();

	private final AtomicLong received = new AtomicLong();

	private volatile long sent;

	private volatile boolean halfClosed;

	/** Guarded by {@link #lock}: the underlying call has been closed, by the handler or by us. */
	private boolean closed;

	/** Set under {@link #lock}: {@link #cancel(Status)} closed the call. */
	private volatile boolean forciblyClosed;

	TrackedServerCall(ServerCall<Q, R> call, StreamRegistry registry) {
		super(call);
		this.registry = registry;
		this.id = registry.nextId();
		SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
		this.peer = (remote != null) ? remote.toString() : null;
	}

	/** Wraps the handler's listener so that the call's end and its inbound side are tracked. */
	ServerCall.Listener<Q> listener(ServerCall.Listener<Q> handlerListener) {
		return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(handlerListener) {

			@Override
			public void onMessage(Q message) {
				TrackedServerCall.this.received.incrementAndGet();
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
				try {
					super.onCancel();
				}
				finally {
					untrack();
				}
			}

		};
	}

	void untrack() {
		this.registry.remove(this);
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
	 * The hook for the server's drain notice (the handler being asked to finish its stream). No
	 * such notice exists yet: this does nothing, and the call drains only by ending on its own.
	 */
	@Override
	public void halfClose() {
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
			delegate().close(status, new Metadata());
		}
		untrack();
	}

	@Override
	public String toString() {
		return "server stream #" + this.id + " " + fullMethodName() + " from " + this.peer;
	}

}
