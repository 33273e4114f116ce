package dev.triplestream.client;

import java.time.Duration;

/**
 * A configured duration and where it was configured, so that a stream ended by it can say which
 * setting to change.
 *
 * @param value the duration; null when not set (no limit)
 * @param source where it came from: a property name such as
 * {@code triple.client.channels.chat.idle-timeout}, or an annotation such as
 * {@code @TripleMethod(idleTimeout) on ChatClient.chat}
 */
public record TimeoutSetting(Duration value, String source) {

	/** A setting that imposes no limit. */
	public static TimeoutSetting none(String source) {
		return new TimeoutSetting(null, source);
	}

	public boolean isSet() {
		return this.value != null;
	}

	/** Human-readable, such as {@code 10s (triple.client.channels.chat.idle-timeout)}. */
	public String describe() {
		return format(this.value) + " (" + this.source + ")";
	}

	static String format(Duration duration) {
		if (duration == null) {
			return "none";
		}
		if (duration.toMillis() % 1000 == 0) {
			return duration.toSeconds() + "s";
		}
		return duration.toMillis() + "ms";
	}

}
