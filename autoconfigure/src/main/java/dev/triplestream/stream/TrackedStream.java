package dev.triplestream.stream;

import java.time.Instant;

import io.grpc.MethodDescriptor;
import io.grpc.Status;

/**
 * A live call known to a {@link StreamRegistry}: what it is, how far it got, and the two controls
 * that shutdown needs.
 * <p>
 * Every call type is tracked, unary included, because shutdown must account for all of them. The
 * counters are read without locking and may lag the call by a message. Implementations are
 * thread-safe: {@link #halfClose()} and {@link #cancel(Status)} may be called from any thread at any
 * time, concurrently with the call's own sender and receiver.
 */
public interface TrackedStream {

	/** A process-unique id, increasing in opening order. */
	long id();

	StreamSide side();

	/**
	 * Client side: the name of the channel under {@code triple.client.channels}. Server side: the
	 * full service name.
	 */
	String origin();

	/** Full method name, {@code package.Service/Method}. */
	String fullMethodName();

	MethodDescriptor.MethodType type();

	/** Client side: the channel's target. Server side: the remote address of the peer, if known. */
	String peer();

	Instant startedAt();

	long messagesSent();

	long messagesReceived();

	/**
	 * Client side: this application half-closed the call. Server side: the peer half-closed it.
	 */
	boolean isHalfClosed();

	/**
	 * Where the call was opened, for leak reports: a short description (such as the client
	 * interface method), or a full stack trace when paranoid leak detection is on; may be null.
	 */
	String openedAt();

	/**
	 * How the call ended, as this side saw it; {@code null} while it is open. Set before the call
	 * is removed from the registry, so registry listeners can read it.
	 */
	default Status status() {
		return null;
	}

	/**
	 * Asks the call to end cleanly. Client side: half-closes it (if not already) and lets every
	 * pending response through so that the server's trailers can arrive. Server side: gives the
	 * handler its drain notice. Idempotent; never blocks.
	 */
	void halfClose();

	/**
	 * Ends the call now. The local side observes {@code status} (its code and description) as the
	 * reason; the peer sees a cancellation (client side) or {@code status} (server side). No-op once
	 * the call has ended.
	 */
	void cancel(Status status);

}
