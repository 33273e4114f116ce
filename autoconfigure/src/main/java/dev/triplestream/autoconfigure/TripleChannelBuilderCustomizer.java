package dev.triplestream.autoconfigure;

import io.grpc.ManagedChannelBuilder;

/**
 * Customizes the builder of every configured channel, after the channel's properties and the
 * application's {@link io.grpc.ClientInterceptor} beans have been applied. Customizer beans run in
 * their {@link org.springframework.core.annotation.Order order}; one meant for a single channel
 * checks the name.
 * <p>
 * An interceptor a customizer adds runs after triplestream's stream lifecycle interceptor and the
 * channel's static headers, and before the interceptor beans. Customizers run on the thread that
 * first asks for the channel, once per channel.
 */
@FunctionalInterface
public interface TripleChannelBuilderCustomizer {

	/**
	 * @param channelName the channel's name under {@code triple.client.channels}
	 * @param builder its builder: a {@code NettyChannelBuilder} for network targets, an
	 * {@code InProcessChannelBuilder} for in-process ones
	 */
	void customize(String channelName, ManagedChannelBuilder<?> builder);

}
