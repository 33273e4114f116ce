package dev.triplestream.client;

import java.util.Objects;
import java.util.function.Supplier;

import io.grpc.ManagedChannel;

/**
 * What {@link TripleChannels} knows of one channel before creating it.
 *
 * @param name the channel's name, as under {@code triple.client.channels}
 * @param target the channel's target as configured, for messages and stream reports
 * @param streamSettings the lifecycle limits of calls on this channel
 * @param factory builds the channel; called at most once while the channels are open, from
 * whichever thread first asks for the channel
 */
public record ChannelDefinition(String name, String target, StreamSettings streamSettings,
		Supplier<ManagedChannel> factory) {

	public ChannelDefinition {
		Objects.requireNonNull(name, "name");
		Objects.requireNonNull(target, "target");
		Objects.requireNonNull(streamSettings, "streamSettings");
		Objects.requireNonNull(factory, "factory");
	}

}
