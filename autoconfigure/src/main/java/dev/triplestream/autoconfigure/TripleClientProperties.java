package dev.triplestream.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;

import dev.triplestream.client.LeakDetection;

/**
 * Client side of triplestream: the channels declared in the application's configuration and what
 * they share.
 */
@ConfigurationProperties("triple.client")
public class TripleClientProperties {

	/**
	 * Whether every channel is created and starts connecting at start-up. When false, a channel is
	 * created the first time it is used.
	 */
	private boolean eager;

	/**
	 * How much is recorded about where each client stream was opened, so that a stream never
	 * closed can be reported with its origin: 'disabled', 'simple' (the client method) or
	 * 'paranoid' (also the opening stack trace; costly).
	 */
	private LeakDetection leakDetection = LeakDetection.SIMPLE;

	/**
	 * Client shutdown.
	 */
	private final Shutdown shutdown = new Shutdown();

	/**
	 * Health of the channels.
	 */
	private final Health health = new Health();

	/**
	 * Settings every channel inherits unless it sets its own.
	 */
	@NestedConfigurationProperty
	private final ChannelProperties defaults = new ChannelProperties();

	/**
	 * The channels, by name. A channel is injected as the 'ManagedChannel' qualified with its name.
	 */
	private Map<String, ChannelProperties> channels = new LinkedHashMap<>();

	public boolean isEager() {
		return this.eager;
	}

	public void setEager(boolean eager) {
		this.eager = eager;
	}

	public LeakDetection getLeakDetection() {
		return this.leakDetection;
	}

	public void setLeakDetection(LeakDetection leakDetection) {
		this.leakDetection = leakDetection;
	}

	public Shutdown getShutdown() {
		return this.shutdown;
	}

	public Health getHealth() {
		return this.health;
	}

	public ChannelProperties getDefaults() {
		return this.defaults;
	}

	public Map<String, ChannelProperties> getChannels() {
		return this.channels;
	}

	public void setChannels(Map<String, ChannelProperties> channels) {
		this.channels = channels;
	}

	/**
	 * Client shutdown.
	 */
	public static class Shutdown {

		/**
		 * How long the client waits at shutdown for open streams to drain, and then for the
		 * channels to terminate, before forcing them closed.
		 */
		private Duration gracePeriod = Duration.ofSeconds(10);

		public Duration getGracePeriod() {
			return this.gracePeriod;
		}

		public void setGracePeriod(Duration gracePeriod) {
			this.gracePeriod = gracePeriod;
		}

	}

	/**
	 * Health of the channels.
	 */
	public static class Health {

		/**
		 * How long a channel stays in TRANSIENT_FAILURE without a break before its health is
		 * DOWN. Until then it is UP: a channel reconnects by itself.
		 */
		private Duration failureThreshold = Duration.ofSeconds(30);

		public Duration getFailureThreshold() {
			return this.failureThreshold;
		}

		public void setFailureThreshold(Duration failureThreshold) {
			this.failureThreshold = failureThreshold;
		}

	}

}
