package dev.triplestream.server;

import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.Status;

import dev.triplestream.stream.CallSerializer;

/**
 * A server call whose operations run one at a time, and which can be <em>cut</em>: closed with a
 * status of the server's choosing whatever its handler is doing, after which the handler's
 * operations on it (send, close, request) are dropped.
 * <p>
 * grpc-java's {@code ServerCall} is not thread-safe, yet a timer, the drain or an operator may cut
 * a call while its handler sends on its own thread: the operations run through a
 * {@link CallSerializer}, and no lock is held while they run. Sending a message allocates nothing
 * unless another operation is running at that moment; the sent-message counter is a plain field,
 * written by one operation at a time, that monitoring may read late. {@code request} and
 * {@code isReady} are thread-safe in grpc-java and are not serialized.
 */
abstract class SerializedServerCall<Q, R> extends ForwardingServerCall.SimpleForwardingServerCall<Q, R> {

	private final CallSerializer serializer = new CallSerializer();

	/** Written by one sender at a time, through the serializer. */
	private long sent;

	/** Set when the call was cut: from then on the handler's operations are dropped. */
	private volatile boolean cut;

	/** Accessed through the serializer only: the handler has called {@code close}. */
	private boolean handlerClosed;

	/** Accessed through the serializer only: the underlying call is closed, by the handler or by the cut. */
	private boolean callClosed;

	SerializedServerCall(ServerCall<Q, R> call) {
		super(call);
	}

	/**
	 * The handler closes the call with {@code status}: returns whether that is the call's end, the
	 * close then going through; false when the call ended otherwise before, the close then having
	 * nothing left to do.
	 */
	protected abstract boolean closing(Status status);

	/** A message went out. Called through the serializer. */
	protected abstract void sent();

	/** Whether the call was cut. */
	final boolean isCut() {
		return this.cut;
	}

	/** The number of messages sent so far; may lag. */
	final long sentCount() {
		return this.sent;
	}

	/**
	 * Cuts the call: closes it with {@code status} (unless the handler's close went through before)
	 * and drops the handler's operations from now on. Never blocks: when an operation is running on
	 * the call, the close runs right after it, on its thread.
	 */
	final void cut(Status status) {
		this.cut = true;
		this.serializer.run(() -> {
			if (!this.callClosed) {
				this.callClosed = true;
				delegate().close(status, new Metadata());
			}
		});
	}


	@Override
	public void sendMessage(R message) {
		if (this.cut) {
			return;
		}
		if (this.serializer.tryEnter()) {
			try {
				send(message);
			}
			finally {
				this.serializer.exit();
			}
		}
		else {
			this.serializer.execute(() -> send(message));
		}
	}

	private void send(R message) {
		if (!this.cut) {
			delegate().sendMessage(message);
			this.sent++;
			sent();
		}
	}

	@Override
	public void request(int numMessages) {
		if (!this.cut) {
			super.request(numMessages);
		}
	}

	@Override
	public void sendHeaders(Metadata headers) {
		this.serializer.run(() -> {
			if (!this.cut) {
				delegate().sendHeaders(headers);
			}
		});
	}

	@Override
	public boolean isReady() {
		return !this.cut && super.isReady();
	}

	/**
	 * Closes the call with {@code status}, unless it has ended otherwise before (see
	 * {@link #closing}): then the close has nothing left to do and is dropped.
	 */
	@Override
	public void close(Status status, Metadata trailers) {
		this.serializer.run(() -> {
			if (this.handlerClosed) {
				// A second close is the handler's bug: let grpc-java report it as usual.
				delegate().close(status, trailers);
				return;
			}
			this.handlerClosed = true;
			if (closing(status)) {
				this.callClosed = true;
				delegate().close(status, trailers);
			}
		});
	}

	@Override
	public boolean isCancelled() {
		return this.cut || super.isCancelled();
	}

	@Override
	public void setMessageCompression(boolean enabled) {
		this.serializer.run(() -> {
			if (!this.cut) {
				delegate().setMessageCompression(enabled);
			}
		});
	}

	@Override
	public void setCompression(String compressor) {
		this.serializer.run(() -> {
			if (!this.cut) {
				delegate().setCompression(compressor);
			}
		});
	}

	@Override
	public void setOnReadyThreshold(int numBytes) {
		this.serializer.run(() -> {
			if (!this.cut) {
				delegate().setOnReadyThreshold(numBytes);
			}
		});
	}

	@Override
	public void triggerEvent(Object event) {
		this.serializer.run(() -> {
			if (!this.cut) {
				delegate().triggerEvent(event);
			}
		});
	}

}
