package dev.triplestream.server;

import java.time.Duration;

import org.springframework.context.ApplicationEvent;

/**
 * Published when a {@link TripleServer} begins its shutdown drain, before it refuses new calls and
 * gives the open ones their drain notice (see {@link ServerStreamContext}). Listeners run on the
 * thread stopping the server, and the drain waits for them: keep them short. An exception a
 * listener throws is logged and does not stop the drain.
 */
public class DrainingEvent extends ApplicationEvent {

	private final Duration gracePeriod;

	private final int openCalls;

	public DrainingEvent(TripleServer server, Duration gracePeriod, int openCalls) {
		super(server);
		this.gracePeriod = gracePeriod;
		this.openCalls = openCalls;
	}

	/** The server that is draining. */
	public TripleServer getServer() {
		return (TripleServer) getSource();
	}

	/** How long the calls in flight get to end before they are ended with {@code UNAVAILABLE}. */
	public Duration getGracePeriod() {
		return this.gracePeriod;
	}

	/** How many calls of this server were open when the drain began. */
	public int getOpenCalls() {
		return this.openCalls;
	}

}
