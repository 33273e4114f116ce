package dev.triplestream.benchmarks;

import java.time.Duration;

import dev.triplestream.stream.StreamRegistry;

/**
 * The client side of an application that uses the starter: its {@link BenchClient}, the registry
 * of its open streams, and what closing the application context does to them.
 * <p>
 * Two variants, chosen in {@link Loopback#newStarterClientSide}: {@link SpringStarterClientSide}, a
 * real Spring application context (the default), and {@link DirectStarterClientSide}, the runtime
 * classes wired by hand the way the auto-configuration wires them.
 */
interface StarterClientSide extends AutoCloseable {

	BenchClient client();

	StreamRegistry registry();

	/**
	 * Closes the application context, or does what that does to the client side: drains the client
	 * streams (phase CLIENT_STREAMS), then closes the channel (phase CHANNELS).
	 */
	ContextClose closeContext() throws InterruptedException;

	/** Releases whatever {@link #closeContext()} left; idempotent. */
	@Override
	void close();

	/**
	 * How long closing the context took.
	 * @param drain the client-stream drain, from the start of the close; null if not observed
	 * @param total the whole close, the drain and the channel close included
	 */
	record ContextClose(Duration drain, Duration total) {

	}

}
