package dev.triplestream.server;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.grpc.Status;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.ApplicationEventPublisher;

import dev.triplestream.stream.EndReason;
import dev.triplestream.stream.StreamDrain;
import dev.triplestream.stream.StreamRegistry;

/**
 * The graceful stop of one {@link TripleServer}: publishes the {@link DrainingEvent}, refuses new
 * calls (GOAWAY), drains the server's own calls with the {@link StreamDrain} (the notice, the wait
 * within the grace period, then {@code UNAVAILABLE}), then terminates the transports. Only this
 * server's calls are drained and waited for: other servers sharing the registry are left alone.
 * Calls that start while the drain runs (already on their way when the server refused new ones) are
 * given the notice at their start, and waited for and ended like the others. Logs the drain's counts
 * by end reason, then how many calls ended by themselves ("drained") and how many were ended.
 */
final class ServerDrain {

	/** The name of the drain in its log line. */
	static final String NAME = "Triple server drain";

	/** How long termination may take once the calls have ended. */
	private static final Duration TERMINATION_TIMEOUT = Duration.ofSeconds(5);

	private static final Log logger = LogFactory.getLog(ServerDrain.class);

	private final TripleServer server;

	private final ApplicationEventPublisher eventPublisher;

	private final StreamRegistry registry;

	private final Duration gracePeriod;

	/** @param eventPublisher where to publish the {@link DrainingEvent}; may be null */
	ServerDrain(TripleServer server, ApplicationEventPublisher eventPublisher, StreamRegistry registry,
			Duration gracePeriod) {
		this.server = server;
		this.eventPublisher = eventPublisher;
		this.registry = registry;
		this.gracePeriod = gracePeriod;
	}

	/**
	 * Drains the calls {@code tracking} knows and terminates {@code transports}. Blocks for at most
	 * the grace period plus a few seconds. An interrupt cuts the drain short, ends the calls and
	 * connections at once, and is kept.
	 */
	StreamDrain.Result drain(ServerTransports transports, TrackingServerInterceptor tracking) {
		long started = System.nanoTime();
		publishDraining(tracking.calls().size());
		transports.shutdown();
		tracking.startDraining();
		StreamDrain.Result result = new StreamDrain(NAME, this.registry, this.gracePeriod,
				Status.UNAVAILABLE.withDescription(TripleServer.SHUTDOWN_DESCRIPTION))
			.drain(tracking::calls);
		boolean interrupted = Thread.interrupted();
		try {
			if (!interrupted && !transports.awaitTermination(TERMINATION_TIMEOUT)) {
				transports.shutdownNow();
				transports.awaitTermination(TERMINATION_TIMEOUT);
			}
		}
		catch (InterruptedException ex) {
			interrupted = true;
		}
		if (interrupted) {
			transports.shutdownNow();
			Thread.currentThread().interrupt();
		}
		int ended = result.count(EndReason.SHUTDOWN_CANCELLED);
		logger.info("Triple server stopped in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms: "
				+ (result.streams() - ended) + " call(s) drained, " + ended + " ended (grace period "
				+ this.gracePeriod.toMillis() + " ms)" + (interrupted ? ", interrupted" : ""));
		return result;
	}

	private void publishDraining(int openCalls) {
		if (this.eventPublisher == null) {
			return;
		}
		try {
			this.eventPublisher.publishEvent(new DrainingEvent(this.server, this.gracePeriod, openCalls));
		}
		catch (RuntimeException ex) {
			logger.warn("A listener of the Triple server's DrainingEvent failed; draining anyway", ex);
		}
	}

}
