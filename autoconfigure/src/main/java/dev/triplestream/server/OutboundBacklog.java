package dev.triplestream.server;

import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.function.BooleanSupplier;

/**
 * What one server call's handler sent that its client has not taken yet, as far as the server can
 * tell without a clock or a lock: the bytes sent since the call was last seen <em>ready</em>
 * (grpc-java's {@code isReady()}, true while less than its ready threshold, 32 KiB by default, waits
 * to be written to the client).
 * <p>
 * A handler that respects flow control stops sending when the call is not ready and resumes on
 * {@code onReady}; one that ignores it makes grpc-java buffer every message its client does not
 * read, without bound. This backlog finds the latter: the transport reports the wire size of each
 * message as it is framed ({@link #written}), {@code onReady} resets the count ({@link #ready}), and
 * after each send {@link #afterSend} asks grpc-java whether the call is ready only once
 * {@value #CHECK_STEP} bytes have gone out since the last time it was, so that a stream flowing
 * freely pays one ready check per 32 KiB. A send on a call not ready does not count as activity for
 * the idle timeout: a stream whose client stopped reading becomes idle, whatever its handler does.
 * <p>
 * {@link #written} and {@link #afterSend} run on the sending thread, one send at a time (the call's
 * serializer); {@link #ready} on grpc-java's callback thread. The count is updated atomically, so
 * that a reset is never lost.
 */
final class OutboundBacklog {

	/** Bytes sent between two ready checks while the call was last seen ready: grpc's ready threshold. */
	static final long CHECK_STEP = 32 * 1024;

	private static final AtomicLongFieldUpdater<OutboundBacklog> SINCE_READY = AtomicLongFieldUpdater
		.newUpdater(OutboundBacklog.class, "sinceReady");

	/** What a send means. */
	enum Send {

		/** The call is ready, or was recently: the client takes what is sent. */
		FLOWING,

		/** The call is not ready: the client is not taking what is sent. */
		STALLED,

		/** The call is not ready and more than the limit was sent since it last was. */
		OVER_LIMIT

	}

	/** Bytes beyond which an unread backlog ends the call; 0 for no limit. */
	private final long limit;

	private volatile long sinceReady;

	/** The wire size of the message being sent; written and read by the sending thread. */
	private long lastMessage;

	/** @param limit bytes beyond which an unread backlog ends the call; 0 for no limit */
	OutboundBacklog(long limit) {
		this.limit = limit;
	}

	/** The transport framed a message of {@code wireBytes} (negative when the transport does not tell). */
	void written(long wireBytes) {
		if (wireBytes > 0) {
			this.lastMessage = wireBytes;
			SINCE_READY.addAndGet(this, wireBytes);
		}
	}

	/** The call became ready: the client took what was waiting. */
	void ready() {
		SINCE_READY.set(this, 0);
	}

	/**
	 * What the message just sent means, asking {@code isReady} only when {@value #CHECK_STEP} bytes
	 * went out since the call was last seen ready. The message itself is not held against the limit:
	 * a handler that sends only while the call is ready is never over it, however large its messages.
	 */
	Send afterSend(BooleanSupplier isReady) {
		long pending = this.sinceReady;
		if (pending < CHECK_STEP) {
			return Send.FLOWING;
		}
		if (isReady.getAsBoolean()) {
			SINCE_READY.set(this, 0);
			return Send.FLOWING;
		}
		long before = pending - this.lastMessage;
		return (this.limit > 0 && before > this.limit) ? Send.OVER_LIMIT : Send.STALLED;
	}

	/** Bytes beyond which an unread backlog ends the call; 0 for no limit. */
	long limit() {
		return this.limit;
	}

	/** The bytes sent since the call was last seen ready; may lag. */
	long sinceReady() {
		return this.sinceReady;
	}

}
