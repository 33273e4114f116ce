package dev.triplestream.server;

import java.time.Duration;

import org.springframework.context.ApplicationEvent;

/**
 * Published when the application starts to shut down, before the {@link TripleServer} drains: the
 * server still serves new calls for {@link #getAnnouncePeriod()}, so that load balancers and probes
 * can learn it is leaving while it still answers. Listeners run on the thread stopping the
 * application context and must not block.
 */
public class ShutdownAnnouncedEvent extends ApplicationEvent {

	private final Duration announcePeriod;

	public ShutdownAnnouncedEvent(ShutdownAnnouncement source, Duration announcePeriod) {
		super(source);
		this.announcePeriod = announcePeriod;
	}

	/** How long the server goes on serving new calls before it drains. */
	public Duration getAnnouncePeriod() {
		return this.announcePeriod;
	}

}
