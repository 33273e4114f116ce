package dev.triplestream.client;

import io.grpc.StatusRuntimeException;

/**
 * A blocking handle on one bidirectional streaming call, returned by a {@link TripleClient}
 * method such as {@code BidiStream<ChatMessage, ChatMessage> chat()}. The call has started when
 * the method returns. Its receiving half is a {@link ServerStream}: {@code receive}, iteration,
 * {@code cancel}, {@code close} and the rest behave as documented there.
 * <p>
 * Use it in try-with-resources: {@link #close()} half-closes the stream, lets the server finish,
 * and cancels the call if the server does not end it within the channel's {@code close-timeout}.
 *
 * <h2>Thread-safety</h2> One thread may send while another receives; the lifecycle timers and the
 * shutdown drain act on the stream concurrently with both, and every operation on the underlying
 * {@code ClientCall} is serialised. Several threads must not send at once, nor receive at once.
 * {@link #cancel}, {@link #isDone}, {@link #status} and {@link #close} may be called from any
 * thread.
 *
 * <h2>Interruption</h2> A thread interrupted while blocked in {@link #send}, {@link #receive} or
 * {@link #headers} cancels the stream, keeps its interrupt flag set, and throws
 * {@link StatusRuntimeException} with status CANCELLED; one interrupted in {@link #close} cancels
 * the stream and returns.
 *
 * @param <Req> the request message type
 * @param <Resp> the response message type
 */
public interface BidiStream<Req, Resp> extends ServerStream<Resp> {

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

}
