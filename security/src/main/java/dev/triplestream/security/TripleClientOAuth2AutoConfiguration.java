package dev.triplestream.security;

import io.grpc.ManagedChannel;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;

import dev.triplestream.autoconfigure.TripleChannelsAutoConfiguration;

/**
 * OAuth2 client credentials for client channels: a channel with
 * {@code triple.client.channels.<name>.auth.oauth2.registration-id} sends the access token of that
 * Spring Security client registration with every call, obtained through the application's
 * {@link OAuth2AuthorizedClientManager}. Active when spring-security-oauth2-client is on the class
 * path.
 */
@AutoConfiguration(before = TripleChannelsAutoConfiguration.class)
@ConditionalOnClass({ OAuth2AuthorizedClientManager.class, ManagedChannel.class })
public class TripleClientOAuth2AutoConfiguration {

	@Bean
	public static OAuth2ChannelCredentialsRegistrar tripleOAuth2ChannelCredentialsRegistrar() {
		return new OAuth2ChannelCredentialsRegistrar();
	}

}
