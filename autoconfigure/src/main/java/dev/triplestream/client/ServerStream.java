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
	 * Registers {@code action} to run once when the application context begins its shutdown drain
	 * (the client side's drain notice, twin of the server's {@code ServerStreamContext.onDrain}); at
	 * once when the drain has begun. It runs on a thread of triplestream's, never the caller's,
	 * concurrently with the threads using the stream. Use it to finish the unit of work in progress
	 * and end the stream at a boundary the application chooses: for a bidi stream, a last
	 * {@code send} and then {@code closeSend()}. A bidi stream whose application registered an action
	 * is not half-closed by the drain; like any stream, it is cancelled if still open at the end of
	 * the grace period. Does nothing once the stream has ended. Keep actions short.
	 */
	void onDrain(Runnable action);

	/**
	 * Ends the stream for an application that stops reading, discarding the responses not yet
	 * received. A bidi stream that this side has not half-closed is half-closed (the half-close may
	 * let the server finish), its responses let through so that the server's trailers can arrive,
	 * and given up to the channel's {@code close-timeout} to end before it is cancelled. A
	 * server-streaming call, or a bidi stream already half-closed, has nothing left to ask of the
	 * server: it is cancelled at once. Idempotent; never throws for a stream that ended, however it
	 * ended.
	 */
	@Override
	void close();

}
