package dev.triplestream.stream;

import java.util.Locale;

/**
 * Why a stream ended: recorded exactly once per stream, by whichever end came first, and read by
 * the logs, the {@code triplestreams} endpoint and the {@code triple.streams.ended} counter.
 * <p>
 * A reason says who or what ended the stream, as this side saw it. The gRPC status the application
 * observes says how; the two agree, but a reason is finer: a {@code CANCELLED} status may be an
 * application's {@code cancel}, a {@code close-timeout} or a shutdown.
 */
public enum EndReason {

	/** The stream ended with OK, by the peer (client side) or by the handler (server side). */
	COMPLETED,

	/** The stream ended with a non-OK status sent by the peer (client side) or by the handler. */
	FAILED,

	/**
	 * An application cancelled the stream: client side, this application's {@code cancel}, a
	 * {@code close()} that had nothing left to wait for, or an interrupted wait; server side, the
	 * client cancelled it (RST_STREAM with CANCEL).
	 */
	CANCELLED_BY_APPLICATION,

	/** An operator cancelled the stream by its id (the {@code triplestreams} endpoint). */
	CANCELLED_BY_OPERATOR,

	/** The call's deadline passed. */
	DEADLINE,

	/** No message moved either way, nor was consumed by the application, for the idle timeout. */
	IDLE_TIMEOUT,

	/** {@code close()} half-closed the stream and the peer did not end it within the close timeout. */
	CLOSE_TIMEOUT,

	/** Server side: the stream reached its max age and did not end within the max-age grace. */
	MAX_AGE,

	/** The stream ended by itself after the shutdown drain's notice, within the grace period. */
	SHUTDOWN_DRAINED,

	/** The shutdown drain ended the stream at the end of the grace period. */
	SHUTDOWN_CANCELLED,

	/** Client side: the stream's handle was garbage-collected while the stream was open (a leak). */
	ABANDONED,

	/** The connection was lost or the peer reset the stream: no status came from the peer. */
	PEER_GONE,

	/**
	 * A limit of this side on what the peer sends or leaves unread ended the stream with
	 * {@code RESOURCE_EXHAUSTED}: a message larger than this side accepts (a server's
	 * {@code max-inbound-message-size}, a channel's), or, server side, more output left unread by
	 * the client than {@code triple.server.streams.max-pending-outbound}. The other streams, and the
	 * connection, go on.
	 */
	LIMIT_EXCEEDED,

	/**
	 * The stream was refused before it started: a stream limit, or the application context
	 * shutting down.
	 */
	REFUSED,

	/**
	 * Server side: the credentials that authenticated the stream expired (a token's expiry, such
	 * as a JWT's {@code exp}), or had expired when it started: the stream ended with
	 * {@code UNAUTHENTICATED} "credentials expired". A stream never outlives the authority that
	 * opened it; a client renews it with a new call carrying fresh credentials.
	 */
	CREDENTIALS_EXPIRED;

	private final String tag = name().toLowerCase(Locale.ROOT).replace('_', '-');

	/** The reason as logs, the endpoint and metric tags write it, such as {@code idle-timeout}. */
	public String tag() {
		return this.tag;
	}

	/** Whether this reason counts as a normal end: the peer or the handler ended the stream with OK. */
	public boolean isNormal() {
		return this == COMPLETED || this == SHUTDOWN_DRAINED;
	}

	@Override
	public String toString() {
		return this.tag;
	}

}
