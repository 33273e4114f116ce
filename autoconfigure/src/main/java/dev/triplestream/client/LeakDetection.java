package dev.triplestream.client;

/**
 * What happens to a blocking stream handle ({@link BidiStream}, {@link ServerStream}) that the
 * application drops without ending it.
 */
public enum LeakDetection {

	/** Abandoned streams stay open until their deadline, idle timeout or shutdown ends them. */
	DISABLED,

	/**
	 * Abandoned streams are cancelled when the handle is garbage-collected, and reported once with
	 * the client method that opened them. Costs one weak reference per stream.
	 */
	SIMPLE,

	/**
	 * As {@link #SIMPLE}, and the report includes the stack trace of the code that opened the
	 * stream. Captures a stack trace per stream: for tests and debugging.
	 */
	PARANOID

}
