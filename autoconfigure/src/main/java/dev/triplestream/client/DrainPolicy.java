package dev.triplestream.client;

/**
 * What the shutdown drain does to an open bidirectional stream of this application's, after giving
 * it the drain notice (see {@link ServerStream#onDrain(Runnable)}).
 * <p>
 * Whatever the policy, the drain never half-closes a client-streaming call (to its server a
 * half-close means "the request is complete", which an upload cut short by a shutdown is not), nor
 * a stream whose application registered a drain action (the application then chooses the boundary
 * at which to half-close). Server-streaming and unary calls were half-closed when they started.
 * Every stream still open at the end of {@code triple.client.shutdown.grace-period} is cancelled.
 */
public enum DrainPolicy {

	/**
	 * Half-close the stream: the end of the conversation, to which the server answers by finishing
	 * its responses and ending the stream. The default for bidi streams.
	 */
	HALF_CLOSE,

	/**
	 * Never half-close: the stream ends by itself within the grace period, or is cancelled at its
	 * end, so that the server sees a cancellation, never a completed request.
	 */
	CANCEL,

	/**
	 * On {@link TripleMethod#drainPolicy()}: the channel's {@code drain-policy}. On a channel: the
	 * policy under {@code triple.client.defaults}, which is {@link #HALF_CLOSE} unless set.
	 */
	INHERIT

}
