package dev.triplestream.benchmarks;

/** The server behaviours of {@code BenchService}, one bidi method each. */
enum Rpc {

	/** Echoes; completes on half-close. */
	ECHO,

	/** Echoes; ignores the half-close and ends only when cancelled. */
	HOLD,

	/** Streams to the client as fast as flow control allows after the first message. */
	DOWNLOAD,

	/** Counts what the client sends. */
	UPLOAD

}
