package dev.triplestream.client;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * A blocking handle on a call whose responses the application reads: a server-streaming call,
 * returned by a {@link TripleClient} method such as {@code ServerStream<Tick> ticks(TickRequest)}
 * (the request has been sent and the call half-closed when the method returns), and the receiving
 * half of every {@link BidiStream}.
 * <p>
 * Iterate it, or call {@link #receive()} until it returns {@code null}; use it in
 * try-with-resources so that {@link #close()} ends a stream the application stops reading. A
 * stream that is never closed still ends: at its {@code stream-deadline}, after its
 * {@code idle-timeout}, when the application context shuts down, or when the handle is
 * garbage-collected (reported as a leak).
 *
 * <h2>Thread-safety</h2> One thread receives at a time; the lifecycle timers and the shutdown drain
 * act on the stream concurrently, and every operation on the underlying {@code ClientCall} is
 * serialised. {@link #cancel}, {@link #isDone}, {@link #status} and {@link #close} may be called
 * from any thread.
 *
 * <h2>Interruption</h2> A thread interrupted while blocked in {@link #receive} or {@link #headers}
 * cancels the stream, keeps its interrupt flag set, and throws {@link StatusRuntimeException} with
 * status CANCELLED; one interrupted in {@link #close} cancels the stream and returns.
 *
 * @param <Resp> the response message type
 */
public interface ServerStream<Resp> extends AutoCloseable, Iterable<Resp> {

	/**
	 * Waits for the next response.
	 * <p>
	 * Responses that arrived before the stream ended are all returned before its end is reported.
	 * @return the next response, or {@code null} once the server has ended the stream with OK
	 * @throws StatusRuntimeException when the stream ended with any other status; its description
	 * says why (the server's description, the setting that timed the stream out, the reason given
	 * to {@link #cancel}, or that the application context is shutting down)
	 */
	Resp receive();

	/**
	 * As {@link #receive()}, but gives up after {@code timeout}, leaving the stream open.
	 * @throws TimeoutException when no response and no end arrived within {@code timeout}
	 */
	Resp receive(Duration timeout) throws TimeoutException;

	/**
	 * Cancels the call: the server sees a cancellation (RST_STREAM CANCEL), and every thread
	 * blocked on the stream wakes with status CANCELLED and {@code reason} as its description.
	 * No-op once the stream has ended.
	 */
	void cancel(String reason);

	/** Whether the stream has ended (all responses may not have been received yet). */
	boolean isDone();

	/** How the stream ended, or {@code null} while it is open. */
	Status status();

	/**
	 * The server's response headers. Blocks until they arrive or the stream ends without them
	 * (then returns empty metadata).
	 */
	Metadata headers();

	/** The server's trailers, or {@code null} while the stream is open. */
	Metadata trailers();

	/**
	 * Ends the stream politely: half-closes it if this side has not yet, discards responses not
	 * yet received (letting them through so that the server's trailers can arrive), waits up to
	 * the channel's {@code close-timeout} for the server to end the stream, then cancels it.
	 * Idempotent; never throws for a stream that ended, however it ended.
	 */
	@Override
	void close();

}
