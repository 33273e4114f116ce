package dev.triplestream.client;

/**
 * How much a client records about where each stream was opened, so that a stream the application
 * never closed (a leak) can be traced back to its cause.
 */
public enum LeakDetection {

	/** Leaked streams are not reported. */
	DISABLED,

	/**
	 * A leaked stream is reported with the client method that opened it. Costs nothing beyond a
	 * reference per stream.
	 */
	SIMPLE,

	/**
	 * A leaked stream is reported with the client method that opened it and the full stack trace of
	 * the opening call. Capturing a stack trace for every stream is expensive: use it while hunting
	 * a leak, not in production.
	 */
	PARANOID

}
