package dev.triplestream.stream;

import java.time.Duration;
import java.time.Instant;

import io.grpc.MethodDescriptor;
import io.grpc.Status;

/**
 * A live call known to a {@link StreamRegistry}: what it is, how far it got, how it ended, and the
 * controls that the shutdown drain and operators use.
 * <p>
 * Every call type is tracked, unary included, because shutdown must account for all of them. The
 * counters are read without locking and may lag the call by a message. Implementations are
 * thread-safe: the controls may be called from any thread at any time, concurrently with the call's
 * own sender and receiver, and never block.
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

	/** How long since a message last moved or was consumed; since the start without an idle clock. */
	Duration idleFor();

	/** Time left before the call's deadline, or null when it has none. */
	Duration deadlineRemaining();

	/** Whether the stream had its drain notice (shutdown, or server max age). */
	boolean isDrainNoticeGiven();

	/**
	 * Where the call was opened, for leak reports: a short description (such as the client
	 * interface method), or a full stack trace when paranoid leak detection is on; may be null.
	 */
	String openedAt();

	/**
	 * How the call ended, as this side saw it; {@code null} while it is open. Set before the call
	 * is removed from the registry, so registry listeners can read it.
	 */
	Status status();

	/**
	 * Why the call ended; {@code null} while it is open. Recorded once, before the call is removed
	 * from the registry.
	 */
	EndReason endReason();

	/**
	 * The shutdown drain's notice: runs the drain actions the application registered for this
	 * stream. From then on, a stream that ends normally ends as {@link EndReason#SHUTDOWN_DRAINED}.
	 * Idempotent.
	 */
	void giveDrainNotice();

	/**
	 * The shutdown drain's polite step, after the notice. Client side: half-closes a bidi stream
	 * whose policy is {@code half-close} and whose application registered no drain action, and lets
	 * a closed handle's pending responses through; never half-closes a client-streaming call.
	 * Server side: nothing (the notice is the polite step). Idempotent.
	 */
	void takeDrainStep();

	/**
	 * Ends the call now with {@code reason}. The local side observes {@code status} (its code and
	 * description); the peer sees a cancellation (client side) or {@code status} (server side).
	 * @return false when the call had already ended
	 */
	boolean end(EndReason reason, Status status);

}
