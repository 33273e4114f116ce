package dev.triplestream.security;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.AutowireCandidateQualifier;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;

import dev.triplestream.client.TripleCallCredentials;
import dev.triplestream.client.TripleClientsRegistrar;

/**
 * For every channel whose {@code auth.oauth2.registration-id} is set (on the channel or under
 * {@code triple.client.defaults}), registers an {@link OAuth2ChannelCredentials} bean named
 * {@code tripleCallCredentials.<channel>} and qualified with the channel's name, which the channel
 * then uses as its {@link TripleCallCredentials}. The beans are created at start-up, so that a
 * missing {@link OAuth2AuthorizedClientManager} or an unknown registration fails start-up naming
 * the property.
 */
public class OAuth2ChannelCredentialsRegistrar
		implements BeanDefinitionRegistryPostProcessor, EnvironmentAware, BeanFactoryAware {

	/** The prefix of the registered beans' names. */
	public static final String BEAN_NAME_PREFIX = "tripleCallCredentials.";

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
		Binder binder = Binder.get(this.environment);
		String fallback = binder.bind("triple.client.defaults.auth.oauth2.registration-id", String.class)
			.orElse(null);
		for (String channel : TripleClientsRegistrar.channelNames(this.environment)) {
			ConfigurationPropertyName own = ConfigurationPropertyName.of("triple.client.channels")
				.append(ConfigurationPropertyName.adapt(channel, '.'))
				.append("auth.oauth2.registration-id");
			String registrationId = binder.bind(own, Bindable.of(String.class)).orElse(fallback);
			String beanName = BEAN_NAME_PREFIX + channel;
			if (registrationId == null || registry.containsBeanDefinition(beanName)) {
				continue;
			}
			String property = binder.bind(own, Bindable.of(String.class)).isBound() ? own.toString()
					: "triple.client.defaults.auth.oauth2.registration-id";
			RootBeanDefinition definition = new RootBeanDefinition(TripleCallCredentials.class,
					() -> credentials(channel, registrationId, property));
			definition.addQualifier(new AutowireCandidateQualifier(Qualifier.class, channel));
			registry.registerBeanDefinition(beanName, definition);
		}
	}

	private OAuth2ChannelCredentials credentials(String channel, String registrationId, String property) {
		OAuth2AuthorizedClientManager manager = this.beanFactory.getBeanProvider(OAuth2AuthorizedClientManager.class)
			.getIfUnique();
		if (manager == null) {
			throw new InvalidConfigurationPropertyValueException(property, registrationId, "Channel '" + channel
					+ "' needs exactly one OAuth2AuthorizedClientManager bean to obtain its tokens, such as an "
					+ "AuthorizedClientServiceOAuth2AuthorizedClientManager with a client-credentials provider");
		}
		ClientRegistrationRepository registrations = this.beanFactory
			.getBeanProvider(ClientRegistrationRepository.class)
			.getIfUnique();
		if (registrations != null && registrations.findByRegistrationId(registrationId) == null) {
			throw new InvalidConfigurationPropertyValueException(property, registrationId,
					"No OAuth2 client registration of that id (spring.security.oauth2.client.registration."
							+ registrationId + ")");
		}
		return new OAuth2ChannelCredentials(manager, registrationId, channel);
	}

	@Override
	public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) throws BeansException {
	}

}
