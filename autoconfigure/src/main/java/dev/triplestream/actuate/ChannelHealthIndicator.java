package dev.triplestream.actuate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

import dev.triplestream.client.TripleChannels;

/**
 * Health of one client channel: UP while it is idle, never used, connecting or ready; DOWN only
 * once it has been in {@code TRANSIENT_FAILURE} for the failure threshold without a break, since a
 * channel that lost its server briefly reconnects by itself. Never asks a channel to connect, nor
 * creates one. Details: the channel's target and state, and how long it has been failing.
 * <p>
 * The indicator follows the channel's state changes from its first check of a created channel on,
 * so that the failure's start is known between checks. Thread-safe.
 */
public class ChannelHealthIndicator extends AbstractHealthIndicator {

	private final TripleChannels channels;

	private final String name;

	private final Duration failureThreshold;

	private final Clock clock;

	private final AtomicBoolean watching = new AtomicBoolean();

	/** When the channel entered TRANSIENT_FAILURE, or null while it is not in it. */
	private volatile Instant failingSince;

	public ChannelHealthIndicator(TripleChannels channels, String name, Duration failureThreshold, Clock clock) {
		super("Triple channel health check failed");
		this.channels = channels;
		this.name = name;
		this.failureThreshold = failureThreshold;
		this.clock = clock;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		builder.withDetail("target", this.channels.target(this.name));
		if (!this.channels.isCreated(this.name)) {
			builder.up().withDetail("state", "NOT_CREATED");
			return;
		}
		ManagedChannel channel = this.channels.get(this.name);
		ConnectivityState state = channel.getState(false);
		if (this.watching.compareAndSet(false, true)) {
			changed(state);
			watch(channel, state);
		}
		builder.withDetail("state", state);
		Instant since = this.failingSince;
		if (state != ConnectivityState.TRANSIENT_FAILURE || since == null) {
			builder.up();
			return;
		}
		Duration failing = Duration.between(since, this.clock.instant());
		builder.withDetail("failingFor", failing.toString());
		if (failing.compareTo(this.failureThreshold) >= 0) {
			builder.down();
		}
		else {
			builder.up();
		}
	}

	private void watch(ManagedChannel channel, ConnectivityState state) {
		channel.notifyWhenStateChanged(state, () -> {
			ConnectivityState now = channel.getState(false);
			changed(now);
			if (now != ConnectivityState.SHUTDOWN) {
				watch(channel, now);
			}
		});
	}

	private void changed(ConnectivityState state) {
		if (state != ConnectivityState.TRANSIENT_FAILURE) {
			this.failingSince = null;
		}
		else if (this.failingSince == null) {
			this.failingSince = this.clock.instant();
		}
	}

}
