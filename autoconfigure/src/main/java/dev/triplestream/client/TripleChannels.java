package dev.triplestream.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.context.SmartLifecycle;

import dev.triplestream.stream.LifecyclePhases;

/**
 * The application's named client channels: creates each on first use (or all at start-up when
 * eager) and shuts them all down last, after the client streams have drained.
 * <p>
 * Thread-safe: {@link #get} may be called from any thread; a channel is created once however many
 * threads ask for it at the same moment. Channels are shut down in {@link #stop()} (phase
 * {@link LifecyclePhases#CHANNELS}): every channel is told to {@link ManagedChannel#shutdown()
 * shut down}, the grace period is shared by all of them to let the calls still open finish, then
 * any channel that has not terminated is {@link ManagedChannel#shutdownNow() forced}, which fails
 * its remaining calls with {@code UNAVAILABLE}. Once stopped, a channel not created before cannot be
 * created until the next {@link #start()}.
 */
public class TripleChannels implements SmartLifecycle, AutoCloseable {

	private static final Log logger = LogFactory.getLog(TripleChannels.class);

	private static final Duration FORCED_TERMINATION_WAIT = Duration.ofSeconds(1);

	private final Map<String, ChannelDefinition> definitions;

	private final boolean eager;

	private final Duration shutdownGracePeriod;

	private final Object lock = new Object();

	private final Map<String, ManagedChannel> created = new LinkedHashMap<>();

	private volatile boolean running;

	private boolean stopped;

	/**
	 * @param definitions the channels, names unique
	 * @param eager create and connect every channel in {@link #start()} rather than on first use
	 * @param shutdownGracePeriod how long {@link #stop()} lets the channels' open calls finish before
	 * forcing the channels closed
	 */
	public TripleChannels(Collection<ChannelDefinition> definitions, boolean eager, Duration shutdownGracePeriod) {
		Map<String, ChannelDefinition> byName = new LinkedHashMap<>();
		for (ChannelDefinition definition : definitions) {
			if (byName.putIfAbsent(definition.name(), definition) != null) {
				throw new IllegalArgumentException("Two channels are named '" + definition.name() + "'");
			}
		}
		if (shutdownGracePeriod.isNegative()) {
			throw new IllegalArgumentException("The shutdown grace period must not be negative: " + shutdownGracePeriod);
		}
		this.definitions = Collections.unmodifiableMap(byName);
		this.eager = eager;
		this.shutdownGracePeriod = shutdownGracePeriod;
	}

	/**
	 * The channel of this name, created now if this is the first time it is asked for. Creating a
	 * channel does not connect it: grpc-java connects on the first call (or
	 * {@link ManagedChannel#getState(boolean) getState(true)}).
	 * @throws IllegalArgumentException when no channel has this name; the message lists the names
	 * @throws IllegalStateException when the channels have been stopped and this one was never
	 * created
	 */
	public ManagedChannel get(String name) {
		ChannelDefinition definition = definition(name);
		synchronized (this.lock) {
			ManagedChannel channel = this.created.get(name);
			if (channel != null) {
				return channel;
			}
			if (this.stopped) {
				throw new IllegalStateException(
						"Channel '" + name + "' was asked for after the channels were shut down");
			}
			channel = definition.factory().get();
			this.created.put(name, channel);
			if (logger.isDebugEnabled()) {
				logger.debug("Created channel '" + name + "' to " + definition.target());
			}
			return channel;
		}
	}

	/** The names of every configured channel, created or not, in alphabetical order. */
	public Set<String> names() {
		return Collections.unmodifiableSet(new TreeSet<>(this.definitions.keySet()));
	}

	/** Whether the channel of this name has been created (and not yet shut down). */
	public boolean isCreated(String name) {
		definition(name);
		synchronized (this.lock) {
			return this.created.containsKey(name);
		}
	}

	/** The lifecycle limits of calls on the channel of this name. */
	public StreamSettings streamSettings(String name) {
		return definition(name).streamSettings();
	}

	/** The target of the channel of this name, as configured. */
	public String target(String name) {
		return definition(name).target();
	}

	private ChannelDefinition definition(String name) {
		ChannelDefinition definition = this.definitions.get(name);
		if (definition == null) {
			String known = this.definitions.isEmpty() ? "none is configured under triple.client.channels"
					: "the configured channels are " + names();
			throw new IllegalArgumentException("No channel is named '" + name + "'; " + known);
		}
		return definition;
	}

	/** Creates every channel and starts connecting it when eager; otherwise only marks this running. */
	@Override
	public void start() {
		synchronized (this.lock) {
			this.stopped = false;
		}
		if (this.eager) {
			for (String name : this.definitions.keySet()) {
				get(name).getState(true);
			}
		}
		this.running = true;
	}

	/**
	 * Shuts every created channel down: {@link ManagedChannel#shutdown()}, then waits up to the
	 * grace period for all of them to terminate, then {@link ManagedChannel#shutdownNow()} for those
	 * that have not, logging each one forced.
	 */
	@Override
	public void stop() {
		this.running = false;
		shutDownAll();
	}

	/** Shuts down whatever channel is still open, as {@link #stop()} does; for when the context fails to start. */
	@Override
	public void close() {
		shutDownAll();
	}

	private void shutDownAll() {
		List<Map.Entry<String, ManagedChannel>> channels;
		synchronized (this.lock) {
			this.stopped = true;
			channels = new ArrayList<>(this.created.entrySet());
			this.created.clear();
		}
		if (channels.isEmpty()) {
			return;
		}
		for (Map.Entry<String, ManagedChannel> entry : channels) {
			entry.getValue().shutdown();
		}
		long deadline = System.nanoTime() + this.shutdownGracePeriod.toNanos();
		boolean interrupted = false;
		for (Map.Entry<String, ManagedChannel> entry : channels) {
			ManagedChannel channel = entry.getValue();
			try {
				if (!interrupted) {
					channel.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
				}
			}
			catch (InterruptedException ex) {
				interrupted = true;
			}
			if (!channel.isTerminated()) {
				logger.warn("Channel '" + entry.getKey() + "' (" + target(entry.getKey())
						+ ") still had calls open after the shutdown grace period of "
						+ TimeoutSetting.format(this.shutdownGracePeriod)
						+ " (triple.client.shutdown.grace-period); forcing it closed");
				channel.shutdownNow();
			}
		}
		// let forced channels release their transports before the context goes on closing
		long forcedDeadline = System.nanoTime() + FORCED_TERMINATION_WAIT.toNanos();
		for (Map.Entry<String, ManagedChannel> entry : channels) {
			try {
				if (interrupted || !entry.getValue().awaitTermination(
						Math.max(0, forcedDeadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
					break;
				}
			}
			catch (InterruptedException ex) {
				interrupted = true;
			}
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return LifecyclePhases.CHANNELS;
	}

}
