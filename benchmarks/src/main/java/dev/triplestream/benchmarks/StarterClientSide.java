package dev.triplestream.benchmarks;

import java.time.Duration;

import dev.triplestream.stream.StreamRegistry;

/**
 * The client side of an application that uses the starter: its {@link BenchClient}, the registry
 * of its open streams, and what closing the application context does to them.
 * <p>
 * Only {@link DirectStarterClientSide} exists today: it wires the runtime classes by hand, the way
 * the auto-configuration will. A variant backed by a real Spring application context belongs beside
 * it, created in {@link Loopback#newStarterClientSide}; see the note there.
 */
interface StarterClientSide extends AutoCloseable {

	BenchClient client();

	StreamRegistry registry();

	/**
	 * Does what closing the application context does to the client side: drains the client
	 * streams (phase CLIENT_STREAMS), then closes the channel (phase CHANNELS).
	 */
	ContextClose closeContext() throws InterruptedException;

	/** Releases whatever {@link #closeContext()} left; idempotent. */
	@Override
	void close();

	/**
	 * How long closing the context took.
	 * @param drain the client-stream drain
	 * @param total the drain and the channel close
	 */
	record ContextClose(Duration drain, Duration total) {

	}

}
