package dev.triplestream.security;

import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;

import dev.triplestream.autoconfigure.PerChannelBeanRegistrar;
import dev.triplestream.client.TripleCallCredentials;

/**
 * For every channel whose {@code auth.oauth2.registration-id} is set (on the channel or under
 * {@code triple.client.defaults}), registers an {@link OAuth2ChannelCredentials} bean named
 * {@code tripleCallCredentials.<channel>} and qualified with the channel's name, which the channel
 * then uses as its {@link TripleCallCredentials}. The beans are created at start-up, so that a
 * missing {@link OAuth2AuthorizedClientManager} or an unknown registration fails start-up naming
 * the property.
 */
public class OAuth2ChannelCredentialsRegistrar extends PerChannelBeanRegistrar {

	/** The prefix of the registered beans' names. */
	public static final String BEAN_NAME_PREFIX = "tripleCallCredentials.";

	public OAuth2ChannelCredentialsRegistrar() {
		super(BEAN_NAME_PREFIX);
	}

	@Override
	protected RootBeanDefinition definitionFor(String channel) {
		Binder binder = Binder.get(environment());
		String defaults = "triple.client.defaults.auth.oauth2.registration-id";
		ConfigurationPropertyName own = ConfigurationPropertyName.of("triple.client.channels")
			.append(ConfigurationPropertyName.adapt(channel, '.'))
			.append("auth.oauth2.registration-id");
		String ownId = binder.bind(own, Bindable.of(String.class)).orElse(null);
		String registrationId = (ownId != null) ? ownId : binder.bind(defaults, String.class).orElse(null);
		if (registrationId == null) {
			return null;
		}
		String property = (ownId != null) ? own.toString() : defaults;
		return new RootBeanDefinition(TripleCallCredentials.class,
				() -> credentials(channel, registrationId, property));
	}

	private OAuth2ChannelCredentials credentials(String channel, String registrationId, String property) {
		OAuth2AuthorizedClientManager manager = beanFactory().getBeanProvider(OAuth2AuthorizedClientManager.class)
			.getIfUnique();
		if (manager == null) {
			throw new InvalidConfigurationPropertyValueException(property, registrationId, "Channel '" + channel
					+ "' needs exactly one OAuth2AuthorizedClientManager bean to obtain its tokens, such as an "
					+ "AuthorizedClientServiceOAuth2AuthorizedClientManager with a client-credentials provider");
		}
		ClientRegistrationRepository registrations = beanFactory()
			.getBeanProvider(ClientRegistrationRepository.class)
			.getIfUnique();
		if (registrations != null && registrations.findByRegistrationId(registrationId) == null) {
			throw new InvalidConfigurationPropertyValueException(property, registrationId,
					"No OAuth2 client registration of that id (spring.security.oauth2.client.registration."
							+ registrationId + ")");
		}
		return new OAuth2ChannelCredentials(manager, registrationId, channel);
	}

}
