package dev.triplestream.server;

import dev.triplestream.client.TimeoutSetting;

/**
 * The time limits of a {@link TripleServer}'s streaming calls, server-wide or for one service or
 * method. Each limit is either inherited (null here: the less specific level's applies), lifted (a
 * setting without a value: no limit), or a positive duration. A setting's source (a property or
 * annotation) is named in the status of the calls it ends.
 *
 * @param idleTimeout how long a stream may go without a message in either direction before the
 * server cancels it
 * @param maxAge how long after its start a stream is given the drain notice, then (after the
 * server's max-age grace) ended with {@code UNAVAILABLE}
 */
public record ServerStreamLimits(TimeoutSetting idleTimeout, TimeoutSetting maxAge) {

	/** Limits that set nothing: everything is inherited. */
	public static final ServerStreamLimits INHERIT = new ServerStreamLimits(null, null);

	/** These limits, with each inherited one taken from {@code fallback}. */
	public ServerStreamLimits orElse(ServerStreamLimits fallback) {
		return new ServerStreamLimits((this.idleTimeout != null) ? this.idleTimeout : fallback.idleTimeout(),
				(this.maxAge != null) ? this.maxAge : fallback.maxAge());
	}

}
