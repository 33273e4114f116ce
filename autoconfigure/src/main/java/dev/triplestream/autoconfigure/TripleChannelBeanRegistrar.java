package dev.triplestream.autoconfigure;


import io.grpc.ManagedChannel;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.AutowireCandidateQualifier;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;

import dev.triplestream.client.TripleChannels;
import dev.triplestream.client.TripleClientsRegistrar;

/**
 * Registers one {@link ManagedChannel} bean per channel under {@code triple.client.channels}, named
 * {@code tripleChannel.<name>} and qualified with the channel's name, so that
 * {@code @Qualifier("chat") ManagedChannel channel} injects channel {@code chat}.
 * <p>
 * Each bean is lazy and comes from {@link TripleChannels#get(String)}, which owns the channel:
 * the bean has no destroy method of its own, since the channels must outlive the client streams
 * that drain through them at shutdown. A bean of the same name defined by the application wins.
 */
public class TripleChannelBeanRegistrar implements BeanDefinitionRegistryPostProcessor, EnvironmentAware,
		BeanFactoryAware {

	/** The prefix of the channel beans' names. */
	public static final String BEAN_NAME_PREFIX = "tripleChannel.";

	private Environment environment;

	private BeanFactory beanFactory;

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = beanFactory;
	}

	@Override
	public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) throws BeansException {
		for (String name : TripleClientsRegistrar.channelNames(this.environment)) {
			String beanName = BEAN_NAME_PREFIX + name;
			if (registry.containsBeanDefinition(beanName)) {
				continue;
			}
			RootBeanDefinition definition = new RootBeanDefinition(ManagedChannel.class,
					() -> this.beanFactory.getBean(TripleChannels.class).get(name));
			definition.setLazyInit(true);
			definition.addQualifier(new AutowireCandidateQualifier(Qualifier.class, name));
			// TripleChannels shuts the channel down in its lifecycle phase: nothing for the bean factory to destroy
			definition.setDestroyMethodName(null);
			registry.registerBeanDefinition(beanName, definition);
		}
	}

	@Override
	public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) throws BeansException {
	}

}
