package dev.triplestream.client;

import java.util.List;

/**
 * A {@link TripleClient} names a channel that is not configured under
 * {@code triple.client.channels}.
 */
public class UnknownChannelException extends TripleClientDefinitionException {

	private final Class<?> clientInterface;

	private final String channel;

	private final List<String> knownChannels;

	public UnknownChannelException(Class<?> clientInterface, String channel, List<String> knownChannels) {
		super("@TripleClient " + clientInterface.getName() + " uses channel '" + channel
				+ "', which is not configured under triple.client.channels; known channels: "
				+ (knownChannels.isEmpty() ? "none" : String.join(", ", knownChannels)));
		this.clientInterface = clientInterface;
		this.channel = channel;
		this.knownChannels = List.copyOf(knownChannels);
	}

	public Class<?> getClientInterface() {
		return this.clientInterface;
	}

	public String getChannel() {
		return this.channel;
	}

	public List<String> getKnownChannels() {
		return this.knownChannels;
	}

}
