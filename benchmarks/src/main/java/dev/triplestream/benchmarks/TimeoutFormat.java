package dev.triplestream.benchmarks;

import java.time.Duration;

/** Durations as a person writes them: {@code 30s}, {@code 250ms}. */
final class TimeoutFormat {

	private TimeoutFormat() {
	}

	static String of(Duration duration) {
		return (duration.toMillis() % 1000 == 0) ? duration.toSeconds() + "s" : duration.toMillis() + "ms";
	}

}
