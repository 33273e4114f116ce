package dev.triplestream.client;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * A blocking handle on one bidirectional streaming call, returned by a {@link TripleClient}
 * method such as {@code BidiStream<ChatMessage, ChatMessage> chat()}. The call has started when
 * the method returns.
 * <p>
 * Use it in try-with-resources: {@link #close()} half-closes the stream, lets the server finish,
 * and cancels the call if the server does not end it within the channel's {@code close-timeout}.
 * A stream that is never closed still ends: at its {@code stream-deadline}, after its
 * {@code idle-timeout}, when the application context shuts down, or when the handle is
 * garbage-collected (reported as a leak).
 *
 * <h2>Thread-safety</h2> One thread may send while another receives; the lifecycle timers and the
 * shutdown drain act on the stream concurrently with both, and every operation on the underlying
 * {@code ClientCall} is serialised. Several threads must not send at once, nor receive at once.
 * {@link #cancel}, {@link #isDone}, {@link #status} and {@link #close} may be called from any
 * thread.
 *
 * <h2>Interruption</h2> A thread interrupted while blocked in {@link #send}, {@link #receive},
 * {@link #headers} or {@link #close} cancels the stream, keeps its interrupt flag set, and (except
 * in {@code close}) throws {@link StatusRuntimeException} with status CANCELLED.
 *
 * @param <Req> the request message type
 * @param <Resp> the response message type
 */
public interface BidiStream<Req, Resp> extends AutoCloseable, Iterable<Resp> {

	/**
	 * Sends one message. Waits while the transport is not ready for more (flow control); the wait
	 * ends at the latest with the stream's deadline.
	 * @throws IllegalStateException after {@link #closeSend()}
	 * @throws StatusRuntimeException when the stream has ended, with the status it ended with (OK
	 * included: the server completed the call and takes no more messages)
	 */
	void send(Req message);

	/**
	 * Half-closes the stream: the server learns that no more messages will come, and may finish.
	 * Responses keep arriving until it does. Idempotent; never blocks.
	 */
	void closeSend();

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
	 * blocked in {@code send} or {@code receive} wakes with status CANCELLED and {@code reason} as
	 * its description. No-op once the stream has ended.
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
	 * Ends the stream politely: half-closes it if it is still open, discards responses not yet
	 * received (letting them through so that the server's trailers can arrive), waits up to the
	 * channel's {@code close-timeout} for the server to end the stream, then cancels it.
	 * Idempotent; never throws for a stream that ended, however it ended.
	 */
	@Override
	void close();

}
