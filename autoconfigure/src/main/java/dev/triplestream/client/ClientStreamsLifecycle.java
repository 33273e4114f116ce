package dev.triplestream.client;

import org.springframework.context.SmartLifecycle;

import dev.triplestream.stream.LifecyclePhases;

/**
 * Runs the {@linkplain ClientStreams#drain() client stream drain} when the application context
 * stops, at phase {@link LifecyclePhases#CLIENT_STREAMS}: after the server has drained, before the
 * channels close.
 * <p>
 * A bean of its own on purpose: nothing may depend on it, because Spring stops the dependents of a
 * lifecycle bean before the bean itself, whatever their phases.
 */
public class ClientStreamsLifecycle implements SmartLifecycle {

	private final ClientStreams streams;

	private volatile boolean running;

	public ClientStreamsLifecycle(ClientStreams streams) {
		this.streams = streams;
	}

	@Override
	public void start() {
		this.streams.resume();
		this.running = true;
	}

	@Override
	public void stop() {
		try {
			this.streams.drain();
		}
		finally {
			this.running = false;
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return LifecyclePhases.CLIENT_STREAMS;
	}

}
