package dev.triplestream.autoconfigure;

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

import dev.triplestream.client.TripleClientsRegistrar;

/**
 * Registers at most one bean per channel under {@code triple.client.channels}, named
 * {@code <prefix><channel>} and qualified with the channel's name, so that
 * {@code @Qualifier("chat")} injects channel {@code chat}'s. A bean of that name the application
 * defined wins. Subclasses say what each channel's bean is.
 */
public abstract class PerChannelBeanRegistrar
		implements BeanDefinitionRegistryPostProcessor, EnvironmentAware, BeanFactoryAware {

	private final String beanNamePrefix;

	private Environment environment;

	private BeanFactory beanFactory;

	/** @param beanNamePrefix the prefix of the registered beans' names, such as {@code tripleChannel.} */
	protected PerChannelBeanRegistrar(String beanNamePrefix) {
		this.beanNamePrefix = beanNamePrefix;
	}

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = beanFactory;
	}

	/** The environment the channels are configured in. */
	protected Environment environment() {
		return this.environment;
	}

	/** The bean factory, for the suppliers of the registered beans. */
	protected BeanFactory beanFactory() {
		return this.beanFactory;
	}

	@Override
	public final void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) throws BeansException {
		for (String channel : TripleClientsRegistrar.channelNames(this.environment)) {
			String beanName = this.beanNamePrefix + channel;
			if (registry.containsBeanDefinition(beanName)) {
				continue;
			}
			RootBeanDefinition definition = definitionFor(channel);
			if (definition != null) {
				definition.addQualifier(new AutowireCandidateQualifier(Qualifier.class, channel));
				registry.registerBeanDefinition(beanName, definition);
			}
		}
	}

	/** The definition of {@code channel}'s bean, or null when the channel has none. */
	protected abstract RootBeanDefinition definitionFor(String channel);

	@Override
	public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) throws BeansException {
	}

}
