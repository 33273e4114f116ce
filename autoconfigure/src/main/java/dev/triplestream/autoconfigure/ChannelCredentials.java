package dev.triplestream.autoconfigure;

import java.util.Arrays;
import java.util.List;

import org.springframework.beans.factory.BeanFactoryUtils;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.annotation.BeanFactoryAnnotationUtils;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

import dev.triplestream.client.ChannelTarget;
import dev.triplestream.client.TripleCallCredentials;

/**
 * Where a channel's credentials come from, found and checked at start-up: its
 * {@code auth.bearer-token} or {@code auth.basic.*} properties, or the {@link TripleCallCredentials}
 * bean its name qualifies (one the application declares, or the one the security module declares
 * for {@code auth.oauth2.registration-id}). The bean is looked up at start-up and fetched only when
 * the channel is created, so that a channel never used never builds its credentials.
 *
 * @param channel the channel's name
 * @param source what the credentials are, for messages: a property name or a bean name, never a
 * secret
 * @param beanFactory where the bean is fetched from, or null for credentials from properties
 * @param beanName the credentials bean, or null for credentials from properties
 * @param properties the channel's auth properties
 */
record ChannelCredentials(String channel, String source, ListableBeanFactory beanFactory, String beanName,
		ChannelAuthProperties properties) {

	/**
	 * The credentials of a channel, or null when it sends none.
	 * @throws InvalidConfigurationPropertyValueException when they conflict, when a registration id
	 * has no credentials bean, or when they would go in plaintext without {@code auth.allow-insecure}
	 */
	static ChannelCredentials of(ResolvedChannel channel, ListableBeanFactory beanFactory) {
		String prefix = ResolvedChannel.CHANNELS + "." + channel.name() + ".auth";
		ChannelAuthProperties auth = channel.properties().getAuth();
		List<String> beans = (beanFactory != null) ? qualifiedBeans(beanFactory, channel.name()) : List.of();
		if (beans.size() > 1) {
			throw new InvalidConfigurationPropertyValueException(ResolvedChannel.CHANNELS + "." + channel.name(),
					channel.name(), "More than one TripleCallCredentials bean is qualified with the name of channel '"
							+ channel.name() + "': " + beans + "; a channel uses one");
		}
		String bean = beans.isEmpty() ? null : beans.get(0);
		String property = (auth.getBearerToken() != null) ? prefix + ".bearer-token"
				: (auth.getBasic().getUsername() != null) ? prefix + ".basic.username" : null;
		if (bean != null && property != null) {
			throw new InvalidConfigurationPropertyValueException(property, ChannelAuthProperties.masked("set"),
					"Channel '" + channel.name() + "' has credentials from bean '" + bean + "' and from " + property
							+ "; a channel uses one: remove the property or the bean's qualifier");
		}
		if (auth.getOauth2().getRegistrationId() != null && bean == null) {
			throw new InvalidConfigurationPropertyValueException(prefix + ".oauth2.registration-id",
					auth.getOauth2().getRegistrationId(),
					"OAuth2 client credentials need the triplestream security module "
							+ "(triplestream-spring-boot-security), spring-security-oauth2-client and an "
							+ "OAuth2AuthorizedClientManager bean");
		}
		String source = (bean != null) ? "bean '" + bean + "'" : property;
		if (source == null) {
			return null;
		}
		boolean inProcess = channel.target().kind() == ChannelTarget.Kind.IN_PROCESS;
		if (!channel.tls() && !inProcess && !auth.isAllowInsecure()) {
			throw new InvalidConfigurationPropertyValueException(prefix + ".allow-insecure", false,
					"Channel '" + channel.name() + "' would send its credentials (" + source + ") in plaintext to "
							+ channel.target().text() + ". Use TLS (" + ResolvedChannel.CHANNELS + "." + channel.name()
							+ ".ssl.bundle or ssl.enabled), or set " + prefix
							+ ".allow-insecure=true to send them in plaintext anyway");
		}
		return new ChannelCredentials(channel.name(), source, (bean != null) ? beanFactory : null, bean, auth);
	}

	/** The grpc-java credentials of the channel; fetches the bean, if any. */
	ChannelCallCredentials create() {
		TripleCallCredentials credentials;
		if (this.beanName != null) {
			credentials = this.beanFactory.getBean(this.beanName, TripleCallCredentials.class);
		}
		else if (this.properties.getBearerToken() != null) {
			credentials = TripleCallCredentials.bearer(this.properties.getBearerToken());
		}
		else {
			credentials = TripleCallCredentials.basic(this.properties.getBasic().getUsername(),
					this.properties.getBasic().getPassword());
		}
		return new ChannelCallCredentials(this.channel, credentials, this.properties.isAllowInsecure());
	}

	private static List<String> qualifiedBeans(ListableBeanFactory beanFactory, String channel) {
		String[] names = BeanFactoryUtils.beanNamesForTypeIncludingAncestors(beanFactory,
				TripleCallCredentials.class, true, false);
		return Arrays.stream(names)
			.filter((name) -> BeanFactoryAnnotationUtils.isQualifierMatch(channel::equals, name, beanFactory))
			.toList();
	}

	@Override
	public String toString() {
		return "ChannelCredentials[channel=" + this.channel + ", source=" + this.source + "]";
	}

}
