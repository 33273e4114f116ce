package dev.triplestream.benchmarks;

import io.grpc.Status;

import dev.triplestream.benchmarks.v1.Ping;

/**
 * One open bidi stream held by a blocking client: grpc-java's {@code BlockingClientCall} or the
 * starter's {@code BidiStream}, behind the same few calls so that each scenario has one code path
 * for both. The adaptation is a virtual call and, for grpc-java's checked exceptions, a try block.
 */
interface BlockingStream {

	/** Sends one message, waiting while flow control says the transport is not ready. */
	void send(Ping message);

	/**
	 * The next response; null once the server ended the stream with OK.
	 * @throws io.grpc.StatusRuntimeException when it ended with any other status
	 */
	Ping receive();

	/** Half-closes the stream without waiting. */
	void halfClose();

	void cancel(String reason);

	/**
	 * Ends the stream the way its API intends: half-close, let the server finish, read what is
	 * left. The starter's {@code close()}; for grpc-java, {@code halfClose()} and reading to the end.
	 * @return the status the stream ended with
	 */
	Status finish();

	/** The status the stream ended with, reading what is left; for streams that have ended. */
	Status awaitEnd();

}
