package dev.triplestream.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import io.grpc.LoadBalancerRegistry;
import io.grpc.Metadata;
import io.grpc.NameResolverRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.util.StringUtils;
import org.springframework.util.unit.DataSize;

import dev.triplestream.client.ChannelTarget;
import dev.triplestream.client.RegistryNameResolvers;
import dev.triplestream.client.StreamSettings;
import dev.triplestream.client.TimeoutSetting;

/**
 * One channel's effective settings: its own properties bound over a copy of the defaults, checked,
 * with the source of every lifecycle limit.
 *
 * @param name the channel's name
 * @param properties the effective properties (own over defaults)
 * @param target the parsed target
 * @param streamSettings the lifecycle limits, each with the property it came from
 * @param tls whether the channel uses TLS (never for in-process targets)
 * @param sslBundle the bundle that configures TLS; null for the JDK's defaults or plaintext
 * @param headers the static metadata of every call, service group and version included, names in
 * lower case
 */
record ResolvedChannel(String name, ChannelProperties properties, ChannelTarget target, StreamSettings streamSettings,
		boolean tls, SslBundle sslBundle, Map<String, String> headers) {

	static final String PREFIX = "triple.client";

	static final String CHANNELS = PREFIX + ".channels";

	static final String DEFAULTS = PREFIX + ".defaults";

	static final String SERVICE_GROUP_HEADER = "tri-service-group";

	static final String SERVICE_VERSION_HEADER = "tri-service-version";

	private static final Log logger = LogFactory.getLog(ResolvedChannel.class);

	private static final Pattern CHANNEL_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]*");

	/**
	 * Resolves and checks every channel under {@code triple.client.channels}, and the defaults they
	 * inherit.
	 * @param binder binds the channels' own properties
	 * @param properties the bound client properties
	 * @param sslBundles the application's SSL bundles; null when there are none
	 * @throws InvalidConfigurationPropertyValueException naming the first property found wrong
	 */
	static List<ResolvedChannel> resolveAll(Binder binder, TripleClientProperties properties, SslBundles sslBundles) {
		return resolveAll(binder, properties, sslBundles, List.of());
	}

	/**
	 * Resolves and checks every channel, accepting the target schemes of the given registries.
	 * @throws InvalidConfigurationPropertyValueException naming the first property found wrong
	 */
	static List<ResolvedChannel> resolveAll(Binder binder, TripleClientProperties properties, SslBundles sslBundles,
			List<RegistryNameResolvers> registries) {
		Duration grace = properties.getShutdown().getGracePeriod();
		if (grace == null || grace.isNegative()) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + ".shutdown.grace-period", grace,
					"The grace period must be zero or positive");
		}
		// the defaults are checked on their own too: a wrong default is wrong even where overridden
		check(new Sources(binder, null), properties.getDefaults(), sslBundles, null, registries);
		List<ResolvedChannel> channels = new ArrayList<>();
		for (Map.Entry<String, ChannelProperties> entry : properties.getChannels().entrySet()) {
			String name = entry.getKey();
			if (!CHANNEL_NAME.matcher(name).matches()) {
				throw new InvalidConfigurationPropertyValueException(CHANNELS + "." + name, name,
						"A channel name is letters, digits, '-' and '_', starting with a letter or digit");
			}
			ChannelProperties effective = properties.getDefaults().copy();
			binder.bind(channelPropertyName(name), Bindable.ofInstance(effective));
			channels.add(check(new Sources(binder, name), effective, sslBundles, entry.getValue(), registries));
		}
		return channels;
	}

	static ConfigurationPropertyName channelPropertyName(String name) {
		return ConfigurationPropertyName.of(CHANNELS).append(ConfigurationPropertyName.adapt(name, '.'));
	}

	/**
	 * Checks one channel's (or, with no name, the defaults') effective properties.
	 * @param own the channel's properties bound without defaults (null for the defaults), which
	 * tell which headers the channel set itself
	 */
	private static ResolvedChannel check(Sources sources, ChannelProperties effective, SslBundles sslBundles,
			ChannelProperties own, List<RegistryNameResolvers> registries) {
		ChannelTarget target = checkTarget(sources, effective.getTarget(), registries);
		boolean inProcess = target != null && target.kind() == ChannelTarget.Kind.IN_PROCESS;
		SslBundle bundle = checkSslBundle(sources, effective.getSsl().getBundle(), sslBundles);
		boolean tls = effective.getSsl().turnsTlsOn() && !inProcess;
		String policy = effective.getLoadBalancingPolicy();
		if (policy == null || LoadBalancerRegistry.getDefaultRegistry().getProvider(policy) == null) {
			throw new InvalidConfigurationPropertyValueException(sources.of("load-balancing-policy"), policy,
					"No load-balancing policy of that name is registered with grpc-java; 'pick_first' and "
							+ "'round_robin' are built in");
		}
		positive(sources, "keepalive.time", effective.getKeepalive().getTime());
		positive(sources, "keepalive.timeout", effective.getKeepalive().getTimeout());
		size(sources, "max-inbound-message-size", effective.getMaxInboundMessageSize());
		size(sources, "max-inbound-metadata-size", effective.getMaxInboundMetadataSize());
		StreamSettings streamSettings = new StreamSettings(
				positive(sources, "deadline", effective.getDeadline()),
				positive(sources, "stream-deadline", effective.getStreamDeadline()),
				positive(sources, "idle-timeout", effective.getIdleTimeout()),
				notNegative(sources, "close-timeout", effective.getCloseTimeout()), effective.getDrainPolicy());
		Map<String, String> headers = checkHeaders(sources, effective, own);
		checkAuth(sources, effective.getAuth());
		if (sources.channel == null) {
			return null;
		}
		if (target == null) {
			throw new InvalidConfigurationPropertyValueException(sources.of("target"), null, "Channel '"
					+ sources.channel + "' needs a target, such as host:port, dns:///host:port, "
					+ "static://host1:port1,host2:port2 or in-process:NAME");
		}
		if (!tls && target.isNetwork() && !target.isLoopback()) {
			logger.warn("Channel '" + sources.channel + "' sends calls in plaintext to " + target
					+ ", which is not a loopback address; set " + CHANNELS + "." + sources.channel
					+ ".ssl.bundle (or ssl.enabled) to encrypt them");
		}
		return new ResolvedChannel(sources.channel, effective, target, streamSettings, tls, tls ? bundle : null,
				headers);
	}

	private static ChannelTarget checkTarget(Sources sources, String text, List<RegistryNameResolvers> registries) {
		if (text == null) {
			return null;
		}
		try {
			ChannelTarget target = ChannelTarget.parse(text,
					(scheme) -> registries.stream().anyMatch((registry) -> registry.scheme().equals(scheme))
							|| NameResolverRegistry.getDefaultRegistry().getProviderForScheme(scheme) != null);
			RegistryNameResolvers registry = registryOf(target, registries);
			if (registry != null && sources.channel != null) {
				// only parses: nothing is started before the channel is built
				registry.forChannel(sources.channel, target.text(), null, null);
			}
			return target;
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidConfigurationPropertyValueException(sources.of("target"), text,
					"Not a valid channel target: " + ex.getMessage());
		}
	}

	/** The registry that resolves a target, or null when grpc-java's own resolvers do. */
	static RegistryNameResolvers registryOf(ChannelTarget target, List<RegistryNameResolvers> registries) {
		if (target == null || target.kind() != ChannelTarget.Kind.OTHER) {
			return null;
		}
		return registries.stream().filter((registry) -> registry.handles(target.text())).findFirst().orElse(null);
	}

	private static SslBundle checkSslBundle(Sources sources, String name, SslBundles sslBundles) {
		if (name == null) {
			return null;
		}
		if (sslBundles == null) {
			throw new InvalidConfigurationPropertyValueException(sources.of("ssl.bundle"), name,
					"The application has no SSL bundles; declare one under spring.ssl.bundle");
		}
		try {
			return sslBundles.getBundle(name);
		}
		catch (NoSuchSslBundleException ex) {
			List<String> known = sslBundles.getBundleNames();
			throw new InvalidConfigurationPropertyValueException(sources.of("ssl.bundle"), name,
					"No SSL bundle of that name; " + (known.isEmpty() ? "none is declared under spring.ssl.bundle"
							: "the declared bundles are " + known));
		}
	}

	/**
	 * Checks that a channel names at most one kind of credentials, and all of it. A secret is never
	 * the value of the exception, which failure messages show.
	 */
	private static void checkAuth(Sources sources, ChannelAuthProperties auth) {
		String token = auth.getBearerToken();
		ChannelAuthProperties.Basic basic = auth.getBasic();
		boolean hasBasic = basic.getUsername() != null || basic.getPassword() != null;
		if (token != null && hasBasic) {
			throw new InvalidConfigurationPropertyValueException(sources.of("auth.basic.username"),
					basic.getUsername(),
					"A channel sends either a bearer token (" + sources.of("auth.bearer-token")
							+ ") or basic credentials (" + sources.of("auth.basic.username") + " and "
							+ sources.of("auth.basic.password") + "), not both");
		}
		String registration = auth.getOauth2().getRegistrationId();
		if (registration != null && (token != null || hasBasic)) {
			throw new InvalidConfigurationPropertyValueException(sources.of("auth.oauth2.registration-id"),
					registration, "A channel sends either OAuth2 client credentials or "
							+ ((token != null) ? "a bearer token (" + sources.of("auth.bearer-token") + ")"
									: "basic credentials (" + sources.of("auth.basic.username") + ")")
							+ ", not both");
		}
		if (token != null) {
			checkSecret(sources.of("auth.bearer-token"), token, "The bearer token");
		}
		if (hasBasic) {
			if (!StringUtils.hasText(basic.getUsername())) {
				throw new InvalidConfigurationPropertyValueException(sources.of("auth.basic.username"),
						basic.getUsername(), "Basic credentials need a user name as well as a password");
			}
			if (basic.getUsername().indexOf(':') >= 0) {
				throw new InvalidConfigurationPropertyValueException(sources.of("auth.basic.username"),
						basic.getUsername(), "A basic user name cannot contain ':'");
			}
			if (basic.getPassword() == null) {
				// missing, so the channel's own property is the one to set
				String password = (sources.channel != null) ? sources.channelPrefix() + ".auth.basic.password"
						: DEFAULTS + ".auth.basic.password";
				throw new InvalidConfigurationPropertyValueException(password, null,
						"Basic credentials need a password as well as a user name ("
								+ sources.of("auth.basic.username") + ")");
			}
		}
	}

	private static void checkSecret(String property, String secret, String what) {
		boolean printable = !secret.isBlank();
		for (int i = 0; i < secret.length() && printable; i++) {
			printable = secret.charAt(i) > 0x20 && secret.charAt(i) <= 0x7E;
		}
		if (!printable) {
			throw new InvalidConfigurationPropertyValueException(property, ChannelAuthProperties.masked(secret),
					what + " must be printable ASCII without spaces");
		}
	}

	private static TimeoutSetting positive(Sources sources, String property, Duration value) {
		if (value != null && (value.isNegative() || value.isZero())) {
			throw new InvalidConfigurationPropertyValueException(sources.of(property), value,
					"The duration must be positive; leave it unset for no limit");
		}
		return new TimeoutSetting(value, sources.of(property));
	}

	private static TimeoutSetting notNegative(Sources sources, String property, Duration value) {
		if (value != null && value.isNegative()) {
			throw new InvalidConfigurationPropertyValueException(sources.of(property), value,
					"The duration must be zero or positive");
		}
		return new TimeoutSetting(value, sources.of(property));
	}

	private static void size(Sources sources, String property, DataSize value) {
		if (value == null || value.toBytes() <= 0 || value.toBytes() > Integer.MAX_VALUE) {
			throw new InvalidConfigurationPropertyValueException(sources.of(property), value,
					"The size must be positive and below 2GB");
		}
	}

	private static Map<String, String> checkHeaders(Sources sources, ChannelProperties effective,
			ChannelProperties own) {
		Map<String, String> headers = new LinkedHashMap<>();
		for (Map.Entry<String, String> header : effective.getHeaders().entrySet()) {
			boolean ownHeader = own != null && own.getHeaders().containsKey(header.getKey());
			String property = (ownHeader ? sources.channelPrefix() : DEFAULTS) + ".headers." + header.getKey();
			headers.put(checkHeaderName(property, header.getKey()),
					checkHeaderValue(property, header.getValue()));
		}
		if (effective.getServiceGroup() != null) {
			headers.put(SERVICE_GROUP_HEADER,
					checkHeaderValue(sources.of("service-group"), effective.getServiceGroup()));
		}
		if (effective.getServiceVersion() != null) {
			headers.put(SERVICE_VERSION_HEADER,
					checkHeaderValue(sources.of("service-version"), effective.getServiceVersion()));
		}
		return Collections.unmodifiableMap(headers);
	}

	private static String checkHeaderName(String property, String name) {
		String lower = name.toLowerCase(Locale.ROOT);
		if (lower.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
			throw new InvalidConfigurationPropertyValueException(property, name,
					"Binary ('-bin') headers cannot be configured as text");
		}
		try {
			Metadata.Key.of(lower, Metadata.ASCII_STRING_MARSHALLER);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidConfigurationPropertyValueException(property, name,
					"Not a valid metadata key: " + ex.getMessage());
		}
		return lower;
	}

	private static String checkHeaderValue(String property, String value) {
		String text = (value != null) ? value : "";
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c < 0x20 || c > 0x7E) {
				throw new InvalidConfigurationPropertyValueException(property, value,
						"A header value must be printable ASCII");
			}
		}
		return text;
	}

	/**
	 * Names the property each effective value came from: the channel's own when it sets one, else
	 * the defaults' (also for a value nobody set, the built-in default).
	 */
	private static final class Sources {

		private final Binder binder;

		private final String channel;

		Sources(Binder binder, String channel) {
			this.binder = binder;
			this.channel = channel;
		}

		String channelPrefix() {
			return CHANNELS + "." + this.channel;
		}

		String of(String property) {
			if (this.channel != null && this.binder
				.bind(channelPropertyName(this.channel).append(property), Bindable.of(String.class))
				.isBound()) {
				return channelPrefix() + "." + property;
			}
			return DEFAULTS + "." + property;
		}

	}

}
