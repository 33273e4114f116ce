package dev.triplestream.client;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * A blocking handle on one server-streaming call, returned by a {@link TripleClient} method such
 * as {@code ServerStream<Tick> ticks(TickRequest request)}. The request has been sent and the call
 * half-closed when the method returns.
 * <p>
 * Iterate it, or call {@link #receive()} until it returns {@code null}; use it in
 * try-with-resources so that {@link #close()} ends a stream the application stops reading.
 * <p>
 * Thread-safety: one thread receives at a time; {@link #cancel}, {@link #isDone}, {@link #status}
 * and {@link #close} may be called from any thread. Interruption behaves as in
 * {@link BidiStream}.
 *
 * @param <Resp> the response message type
 */
public interface ServerStream<Resp> extends AutoCloseable, Iterable<Resp> {

	/**
	 * Waits for the next response.
	 * @return the next response, or {@code null} once the server has ended the stream with OK
	 * @throws StatusRuntimeException when the stream ended with any other status
	 */
	Resp receive();

	/**
	 * As {@link #receive()}, but gives up after {@code timeout}, leaving the stream open.
	 * @throws TimeoutException when no response and no end arrived within {@code timeout}
	 */
	Resp receive(Duration timeout) throws TimeoutException;

	/** Cancels the call; blocked receivers wake with CANCELLED and {@code reason}. */
	void cancel(String reason);

	/** Whether the stream has ended. */
	boolean isDone();

	/** How the stream ended, or {@code null} while it is open. */
	Status status();

	/** The server's response headers; blocks until they arrive or the stream ends. */
	Metadata headers();

	/** The server's trailers, or {@code null} while the stream is open. */
	Metadata trailers();

	/**
	 * Discards responses not yet received, waits up to the channel's {@code close-timeout} for the
	 * server to end the stream, then cancels it. Idempotent; never throws for an ended stream.
	 */
	@Override
	void close();

}
