package dev.triplestream.autoconfigure;

import io.grpc.ManagedChannel;
import org.springframework.beans.factory.support.RootBeanDefinition;

import dev.triplestream.client.TripleChannels;

/**
 * Registers one {@link ManagedChannel} bean per channel under {@code triple.client.channels}, named
 * {@code tripleChannel.<name>} and qualified with the channel's name, so that
 * {@code @Qualifier("chat") ManagedChannel channel} injects channel {@code chat}.
 * <p>
 * Each bean is lazy and comes from {@link TripleChannels#get(String)}, which owns the channel:
 * the bean has no destroy method of its own, since the channels must outlive the client streams
 * that drain through them at shutdown. A bean of the same name defined by the application wins.
 */
public class TripleChannelBeanRegistrar extends PerChannelBeanRegistrar {

	/** The prefix of the channel beans' names. */
	public static final String BEAN_NAME_PREFIX = "tripleChannel.";

	public TripleChannelBeanRegistrar() {
		super(BEAN_NAME_PREFIX);
	}

	@Override
	protected RootBeanDefinition definitionFor(String channel) {
		RootBeanDefinition definition = new RootBeanDefinition(ManagedChannel.class,
				() -> beanFactory().getBean(TripleChannels.class).get(channel));
		definition.setLazyInit(true);
		// TripleChannels shuts the channel down in its lifecycle phase: nothing for the bean factory to destroy
		definition.setDestroyMethodName(null);
		return definition;
	}

}
