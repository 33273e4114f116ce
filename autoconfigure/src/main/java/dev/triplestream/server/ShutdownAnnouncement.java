package dev.triplestream.server;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationEventPublisherAware;
import org.springframework.context.SmartLifecycle;

import dev.triplestream.stream.LifecyclePhases;

/**
 * The first step of a server's shutdown: announces that the application is leaving, then lets the
 * server go on serving new calls for the announce period before its drain (GOAWAY and drain
 * notices) begins.
 * <p>
 * Stopped at {@link LifecyclePhases#ANNOUNCE}, before the server: publishes the application's
 * readiness {@link ReadinessState#REFUSING_TRAFFIC} and a {@link ShutdownAnnouncedEvent}, on which
 * the {@code triple} health turns {@code OUT_OF_SERVICE} and the gRPC health service
 * {@code NOT_SERVING}; then completes its stop after the announce period, without holding a thread
 * meanwhile. Behind a Kubernetes Service, set the period to the readiness probe's period (plus its
 * failure threshold), so that the endpoint leaves the Service before the server refuses calls; keep
 * it under {@code spring.lifecycle.timeout-per-shutdown-phase}.
 * <p>
 * Thread-safe. {@link #isAnnounced()} is reset by {@link #start()}.
 */
public class ShutdownAnnouncement implements SmartLifecycle, ApplicationEventPublisherAware {

	private static final Log logger = LogFactory.getLog(ShutdownAnnouncement.class);

	private final Duration announcePeriod;

	private ApplicationEventPublisher eventPublisher;

	private volatile boolean running;

	private volatile boolean announced;

	/** @param announcePeriod how long to go on serving new calls once announced; zero for none */
	public ShutdownAnnouncement(Duration announcePeriod) {
		this.announcePeriod = announcePeriod;
	}

	@Override
	public void setApplicationEventPublisher(ApplicationEventPublisher eventPublisher) {
		this.eventPublisher = eventPublisher;
	}

	public Duration getAnnouncePeriod() {
		return this.announcePeriod;
	}

	/** Whether the shutdown was announced: the server is about to drain, or draining. */
	public boolean isAnnounced() {
		return this.announced;
	}

	@Override
	public void start() {
		this.announced = false;
		this.running = true;
	}

	@Override
	public void stop() {
		announce();
		try {
			TimeUnit.NANOSECONDS.sleep(this.announcePeriod.toNanos());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.running = false;
	}

	@Override
	public void stop(Runnable callback) {
		announce();
		if (this.announcePeriod.isZero() || this.announcePeriod.isNegative()) {
			this.running = false;
			callback.run();
			return;
		}
		CompletableFuture.delayedExecutor(this.announcePeriod.toNanos(), TimeUnit.NANOSECONDS).execute(() -> {
			this.running = false;
			callback.run();
		});
	}

	private void announce() {
		this.announced = true;
		logger.info("Triple server announced its shutdown; serving new calls for " + this.announcePeriod.toMillis()
				+ " ms before draining");
		if (this.eventPublisher == null) {
			return;
		}
		try {
			AvailabilityChangeEvent.publish(this.eventPublisher, this, ReadinessState.REFUSING_TRAFFIC);
			this.eventPublisher.publishEvent(new ShutdownAnnouncedEvent(this, this.announcePeriod));
		}
		catch (RuntimeException ex) {
			logger.warn("A listener of the Triple server's shutdown announcement failed; going on", ex);
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return LifecyclePhases.ANNOUNCE;
	}

}
