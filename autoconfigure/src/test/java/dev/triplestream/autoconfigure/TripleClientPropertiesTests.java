package dev.triplestream.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.util.unit.DataSize;

import dev.triplestream.client.ChannelTarget;
import dev.triplestream.client.LeakDetection;
import dev.triplestream.client.StreamSettings;
import dev.triplestream.client.TimeoutSetting;
import dev.triplestream.client.TripleChannels;
import dev.triplestream.testing.TestCertificateAuthority;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Binding of {@code triple.client.*}, inheritance from {@code triple.client.defaults}, and the
 * start-up failures that name a wrong property.
 */
class TripleClientPropertiesTests {

	@TempDir
	static Path certificates;

	private static TestCertificateAuthority authority;

	@BeforeAll
	static void makeAuthority() {
		authority = TestCertificateAuthority.create(certificates, "ca");
	}

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(StreamRegistryAutoConfiguration.class, SslAutoConfiguration.class,
				TripleChannelsAutoConfiguration.class));

	private static List<ResolvedChannel> resolved(AssertableApplicationContext context) {
		return ResolvedChannel.resolveAll(Binder.get(context.getEnvironment()),
				context.getBean(TripleClientProperties.class), context.getBeanProvider(SslBundles.class).getIfAvailable());
	}

	private static ResolvedChannel resolved(AssertableApplicationContext context, String name) {
		return resolved(context).stream().filter((channel) -> channel.name().equals(name)).findFirst().orElseThrow();
	}

	@Test
	void builtInDefaults() {
		this.runner.withPropertyValues("triple.client.channels.chat.target=localhost:9090").run((context) -> {
			TripleClientProperties properties = context.getBean(TripleClientProperties.class);
			assertThat(properties.isEager()).isFalse();
			assertThat(properties.getLeakDetection()).isEqualTo(LeakDetection.SIMPLE);
			assertThat(properties.getShutdown().getGracePeriod()).isEqualTo(Duration.ofSeconds(10));
			ResolvedChannel chat = resolved(context, "chat");
			ChannelProperties effective = chat.properties();
			assertThat(effective.getLoadBalancingPolicy()).isEqualTo("pick_first");
			assertThat(effective.getMaxInboundMessageSize()).isEqualTo(DataSize.ofMegabytes(4));
			assertThat(effective.getMaxInboundMetadataSize()).isEqualTo(DataSize.ofKilobytes(8));
			// keepalive is on, pinging no more often than grpc-java servers permit by default
			assertThat(effective.getKeepalive().isEnabled()).isTrue();
			assertThat(effective.getKeepalive().getTime()).isEqualTo(Duration.ofMinutes(5));
			assertThat(effective.getKeepalive().getTimeout()).isEqualTo(Duration.ofSeconds(20));
			assertThat(effective.getKeepalive().isWithoutCalls()).isFalse();
			assertThat(chat.tls()).isFalse();
			assertThat(chat.headers()).isEmpty();
			// a value nobody set is attributed to the defaults' property
			assertThat(chat.streamSettings()).isEqualTo(new StreamSettings(
					TimeoutSetting.none("triple.client.defaults.deadline"),
					TimeoutSetting.none("triple.client.defaults.stream-deadline"),
					TimeoutSetting.none("triple.client.defaults.idle-timeout"),
					new TimeoutSetting(Duration.ofSeconds(5), "triple.client.defaults.close-timeout")));
		});
	}

	@Test
	void authIsInheritedFromTheDefaultsAndNeverShownByToString() {
		this.runner
			.withPropertyValues("triple.client.defaults.auth.bearer-token=t0ken-in-defaults",
					"triple.client.defaults.auth.allow-insecure=true",
					"triple.client.channels.chat.target=localhost:9090",
					"triple.client.channels.basic.target=localhost:9090",
					"triple.client.channels.basic.auth.bearer-token=other-t0ken")
			.run((context) -> {
				ChannelAuthProperties chat = resolved(context, "chat").properties().getAuth();
				assertThat(chat.getBearerToken()).isEqualTo("t0ken-in-defaults");
				assertThat(chat.isAllowInsecure()).isTrue();
				assertThat(resolved(context, "basic").properties().getAuth().getBearerToken()).isEqualTo("other-t0ken");
				assertThat(chat.toString()).contains("bearerToken=******").doesNotContain("t0ken-in-defaults");
			});
	}

	@Test
	void everyPropertyBinds() {
		this.runner.withPropertyValues("triple.client.eager=true", "triple.client.leak-detection=paranoid",
				"triple.client.shutdown.grace-period=30s", "triple.client.channels.chat.target=static://127.0.0.1:1,127.0.0.1:2",
				"triple.client.channels.chat.ssl.enabled=false", "triple.client.channels.chat.ssl.bundle=client",
				"spring.ssl.bundle.pem.client.truststore.certificate=" + "file:" + authority.certificatePem(),
				"triple.client.channels.chat.load-balancing-policy=round_robin",
				"triple.client.channels.chat.keepalive.time=2m", "triple.client.channels.chat.keepalive.timeout=15s",
				"triple.client.channels.chat.keepalive.without-calls=true",
				"triple.client.channels.chat.max-inbound-message-size=16MB",
				"triple.client.channels.chat.max-inbound-metadata-size=32KB",
				"triple.client.channels.chat.user-agent=orders-app/1.0", "triple.client.channels.chat.deadline=3s",
				"triple.client.channels.chat.stream-deadline=1h", "triple.client.channels.chat.idle-timeout=45s",
				"triple.client.channels.chat.close-timeout=750ms", "triple.client.channels.chat.headers.x-team=payments",
				"triple.client.channels.chat.headers.x-region=eu",
				"triple.client.channels.chat.service-group=blue", "triple.client.channels.chat.service-version=2.0.0")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				TripleClientProperties properties = context.getBean(TripleClientProperties.class);
				assertThat(properties.isEager()).isTrue();
				assertThat(properties.getLeakDetection()).isEqualTo(LeakDetection.PARANOID);
				assertThat(properties.getShutdown().getGracePeriod()).isEqualTo(Duration.ofSeconds(30));
				ChannelProperties chat = properties.getChannels().get("chat");
				assertThat(chat.getTarget()).isEqualTo("static://127.0.0.1:1,127.0.0.1:2");
				assertThat(chat.getSsl().getEnabled()).isFalse();
				assertThat(chat.getSsl().getBundle()).isEqualTo("client");
				assertThat(chat.getLoadBalancingPolicy()).isEqualTo("round_robin");
				assertThat(chat.getKeepalive().getTime()).isEqualTo(Duration.ofMinutes(2));
				assertThat(chat.getKeepalive().getTimeout()).isEqualTo(Duration.ofSeconds(15));
				assertThat(chat.getKeepalive().isWithoutCalls()).isTrue();
				assertThat(chat.getMaxInboundMessageSize()).isEqualTo(DataSize.ofMegabytes(16));
				assertThat(chat.getMaxInboundMetadataSize()).isEqualTo(DataSize.ofKilobytes(32));
				assertThat(chat.getUserAgent()).isEqualTo("orders-app/1.0");
				assertThat(chat.getDeadline()).isEqualTo(Duration.ofSeconds(3));
				assertThat(chat.getStreamDeadline()).isEqualTo(Duration.ofHours(1));
				assertThat(chat.getIdleTimeout()).isEqualTo(Duration.ofSeconds(45));
				assertThat(chat.getCloseTimeout()).isEqualTo(Duration.ofMillis(750));
				assertThat(chat.getHeaders()).containsExactly(Map.entry("x-team", "payments"), Map.entry("x-region", "eu"));
				assertThat(chat.getServiceGroup()).isEqualTo("blue");
				assertThat(chat.getServiceVersion()).isEqualTo("2.0.0");

				ResolvedChannel resolved = resolved(context, "chat");
				assertThat(resolved.target().kind()).isEqualTo(ChannelTarget.Kind.STATIC);
				assertThat(resolved.tls()).isFalse();
				assertThat(resolved.headers()).containsExactly(Map.entry("x-team", "payments"),
						Map.entry("x-region", "eu"), Map.entry("tri-service-group", "blue"),
						Map.entry("tri-service-version", "2.0.0"));
				TripleChannels channels = context.getBean(TripleChannels.class);
				assertThat(channels.streamSettings("chat")).isEqualTo(new StreamSettings(
						new TimeoutSetting(Duration.ofSeconds(3), "triple.client.channels.chat.deadline"),
						new TimeoutSetting(Duration.ofHours(1), "triple.client.channels.chat.stream-deadline"),
						new TimeoutSetting(Duration.ofSeconds(45), "triple.client.channels.chat.idle-timeout"),
						new TimeoutSetting(Duration.ofMillis(750), "triple.client.channels.chat.close-timeout")));
			});
	}

	@Test
	void channelInheritsTheDefaultsAndOverridesWhatItSets() {
		this.runner.withPropertyValues("triple.client.defaults.idle-timeout=30s", "triple.client.defaults.deadline=5s",
				"triple.client.defaults.keepalive.time=1m", "triple.client.defaults.keepalive.without-calls=true",
				"triple.client.defaults.max-inbound-message-size=8MB", "triple.client.defaults.user-agent=shared",
				"triple.client.defaults.load-balancing-policy=round_robin",
				"triple.client.defaults.headers.x-team=payments", "triple.client.defaults.headers.x-region=eu",
				"triple.client.defaults.service-group=blue",
				"triple.client.channels.chat.target=localhost:1", "triple.client.channels.chat.idle-timeout=2m",
				"triple.client.channels.chat.keepalive.timeout=5s", "triple.client.channels.chat.headers.x-region=us",
				"triple.client.channels.chat.headers.x-chat=yes", "triple.client.channels.orders.target=localhost:2",
				"triple.client.channels.orders.load-balancing-policy=pick_first",
				"triple.client.channels.orders.service-group=green",
				"triple.client.channels.orders.keepalive.enabled=false")
			.run((context) -> {
				ResolvedChannel chat = resolved(context, "chat");
				assertThat(chat.properties().getIdleTimeout()).isEqualTo(Duration.ofMinutes(2));
				assertThat(chat.properties().getDeadline()).isEqualTo(Duration.ofSeconds(5));
				assertThat(chat.properties().getKeepalive().getTime()).isEqualTo(Duration.ofMinutes(1));
				assertThat(chat.properties().getKeepalive().getTimeout()).isEqualTo(Duration.ofSeconds(5));
				assertThat(chat.properties().getKeepalive().isWithoutCalls()).isTrue();
				assertThat(chat.properties().getKeepalive().isEnabled()).isTrue();
				assertThat(chat.properties().getMaxInboundMessageSize()).isEqualTo(DataSize.ofMegabytes(8));
				assertThat(chat.properties().getUserAgent()).isEqualTo("shared");
				assertThat(chat.properties().getLoadBalancingPolicy()).isEqualTo("round_robin");
				assertThat(chat.headers()).containsExactly(Map.entry("x-team", "payments"), Map.entry("x-region", "us"),
						Map.entry("x-chat", "yes"), Map.entry("tri-service-group", "blue"));
				assertThat(chat.streamSettings().idleTimeout())
					.isEqualTo(new TimeoutSetting(Duration.ofMinutes(2), "triple.client.channels.chat.idle-timeout"));
				assertThat(chat.streamSettings().deadline())
					.isEqualTo(new TimeoutSetting(Duration.ofSeconds(5), "triple.client.defaults.deadline"));
				assertThat(chat.streamSettings().idleTimeout().describe())
					.isEqualTo("120s (triple.client.channels.chat.idle-timeout)");

				ResolvedChannel orders = resolved(context, "orders");
				assertThat(orders.properties().getLoadBalancingPolicy()).isEqualTo("pick_first");
				assertThat(orders.properties().getKeepalive().isEnabled()).isFalse();
				assertThat(orders.properties().getKeepalive().getTime()).isEqualTo(Duration.ofMinutes(1));
				assertThat(orders.properties().getIdleTimeout()).isEqualTo(Duration.ofSeconds(30));
				assertThat(orders.headers()).containsExactly(Map.entry("x-team", "payments"),
						Map.entry("x-region", "eu"), Map.entry("tri-service-group", "green"));
				assertThat(orders.streamSettings().idleTimeout())
					.isEqualTo(new TimeoutSetting(Duration.ofSeconds(30), "triple.client.defaults.idle-timeout"));

				// binding a channel never changes the defaults it was copied from
				ChannelProperties defaults = context.getBean(TripleClientProperties.class).getDefaults();
				assertThat(defaults.getIdleTimeout()).isEqualTo(Duration.ofSeconds(30));
				assertThat(defaults.getHeaders()).containsOnlyKeys("x-team", "x-region");
				assertThat(defaults.getKeepalive().getTimeout()).isEqualTo(Duration.ofSeconds(20));
			});
	}

	@Test
	void channelCanTurnOffTheTlsItsDefaultsTurnOn() {
		this.runner.withPropertyValues("triple.client.defaults.ssl.enabled=true",
				"triple.client.channels.secure.target=localhost:1", "triple.client.channels.local.target=localhost:2",
				"triple.client.channels.local.ssl.enabled=false", "triple.client.channels.inproc.target=in-process:x")
			.run((context) -> {
				assertThat(resolved(context, "secure").tls()).isTrue();
				assertThat(resolved(context, "local").tls()).isFalse();
				// the in-process transport has no TLS: the inherited setting does not apply to it
				assertThat(resolved(context, "inproc").tls()).isFalse();
			});
	}

	@Test
	void camelCaseChannelNameKeepsItsForm() {
		this.runner
			.withPropertyValues("triple.client.channels.orderHistory.target=localhost:1",
					"triple.client.channels.orderHistory.idle-timeout=9s")
			.run((context) -> {
				TripleChannels channels = context.getBean(TripleChannels.class);
				assertThat(channels.names()).containsExactly("orderHistory");
				assertThat(channels.streamSettings("orderHistory").idleTimeout()).isEqualTo(
						new TimeoutSetting(Duration.ofSeconds(9), "triple.client.channels.orderHistory.idle-timeout"));
				assertThat(context.getBean("tripleChannel.orderHistory")).isNotNull();
			});
	}

	private void assertFailsNaming(String property, String reason, String... properties) {
		this.runner.withPropertyValues(properties).run((context) -> {
			assertThat(context).hasFailed();
			Throwable cause = NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure());
			assertThat(cause).isInstanceOf(InvalidConfigurationPropertyValueException.class);
			assertThat(((InvalidConfigurationPropertyValueException) cause).getName()).isEqualTo(property);
			assertThat(cause.getMessage()).contains(property).contains(reason);
		});
	}

	@Test
	void negativeIdleTimeoutFailsNamingIt() {
		assertFailsNaming("triple.client.channels.chat.idle-timeout", "must be positive",
				"triple.client.channels.chat.target=localhost:1", "triple.client.channels.chat.idle-timeout=-1s");
	}

	@Test
	void zeroStreamDeadlineFailsNamingIt() {
		assertFailsNaming("triple.client.channels.chat.stream-deadline", "must be positive",
				"triple.client.channels.chat.target=localhost:1", "triple.client.channels.chat.stream-deadline=0s");
	}

	@Test
	void negativeInheritedDeadlineFailsNamingTheDefault() {
		assertFailsNaming("triple.client.defaults.deadline", "must be positive",
				"triple.client.defaults.deadline=-5s", "triple.client.channels.chat.target=localhost:1");
	}

	@Test
	void negativeCloseTimeoutFailsButZeroIsAllowed() {
		assertFailsNaming("triple.client.channels.chat.close-timeout", "must be zero or positive",
				"triple.client.channels.chat.target=localhost:1", "triple.client.channels.chat.close-timeout=-1ms");
		this.runner
			.withPropertyValues("triple.client.channels.chat.target=localhost:1",
					"triple.client.channels.chat.close-timeout=0s")
			.run((context) -> assertThat(context.getBean(TripleChannels.class).streamSettings("chat").closeTimeout())
				.isEqualTo(new TimeoutSetting(Duration.ZERO, "triple.client.channels.chat.close-timeout")));
	}

	@Test
	void nonPositiveKeepaliveFailsNamingIt() {
		assertFailsNaming("triple.client.channels.chat.keepalive.time", "must be positive",
				"triple.client.channels.chat.target=localhost:1", "triple.client.channels.chat.keepalive.time=0s");
		assertFailsNaming("triple.client.defaults.keepalive.timeout", "must be positive",
				"triple.client.channels.chat.target=localhost:1", "triple.client.defaults.keepalive.timeout=-3s");
	}

	@Test
	void negativeGracePeriodFailsNamingIt() {
		assertFailsNaming("triple.client.shutdown.grace-period", "zero or positive",
				"triple.client.shutdown.grace-period=-1s");
	}

	@Test
	void nonPositiveSizesFailNamingThem() {
		assertFailsNaming("triple.client.channels.chat.max-inbound-message-size", "must be positive",
				"triple.client.channels.chat.target=localhost:1",
				"triple.client.channels.chat.max-inbound-message-size=0");
		assertFailsNaming("triple.client.defaults.max-inbound-metadata-size", "must be positive",
				"triple.client.channels.chat.target=localhost:1",
				"triple.client.defaults.max-inbound-metadata-size=-1KB");
		assertFailsNaming("triple.client.channels.chat.max-inbound-message-size", "below 2GB",
				"triple.client.channels.chat.target=localhost:1",
				"triple.client.channels.chat.max-inbound-message-size=4GB");
	}

	@Test
	void unknownSslBundleFailsNamingItAndListingTheDeclaredOnes() {
		this.runner.withPropertyValues("triple.client.channels.chat.target=localhost:1",
				"triple.client.channels.chat.ssl.bundle=missing",
				"spring.ssl.bundle.pem.present.truststore.certificate=" + "file:" + authority.certificatePem())
			.run((context) -> {
				Throwable cause = NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure());
				assertThat(cause).isInstanceOf(InvalidConfigurationPropertyValueException.class)
					.hasMessage("Property triple.client.channels.chat.ssl.bundle with value 'missing' is invalid: "
							+ "No SSL bundle of that name; the declared bundles are [present]");
			});
		assertFailsNaming("triple.client.channels.chat.ssl.bundle", "none is declared under spring.ssl.bundle",
				"triple.client.channels.chat.target=localhost:1", "triple.client.channels.chat.ssl.bundle=missing");
	}

	@Test
	void sslBundleWithoutSslAutoConfigurationFailsNamingIt() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(StreamRegistryAutoConfiguration.class,
					TripleChannelsAutoConfiguration.class))
			.withPropertyValues("triple.client.channels.chat.target=localhost:1",
					"triple.client.channels.chat.ssl.bundle=client")
			.run((context) -> assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("triple.client.channels.chat.ssl.bundle")
				.hasMessageContaining("no SSL bundles"));
	}

	@Test
	void missingTargetFailsNamingIt() {
		assertFailsNaming("triple.client.defaults.target", "Channel 'chat' needs a target",
				"triple.client.channels.chat.idle-timeout=5s");
	}

	@Test
	void malformedTargetsFailNamingTheProperty() {
		assertFailsNaming("triple.client.channels.chat.target", "'localhost' has no port",
				"triple.client.channels.chat.target=localhost");
		assertFailsNaming("triple.client.channels.chat.target", "port 70000 in 'localhost:70000' is outside 1-65535",
				"triple.client.channels.chat.target=localhost:70000");
		assertFailsNaming("triple.client.channels.chat.target", "unknown scheme 'consul'",
				"triple.client.channels.chat.target=consul:///orders");
		assertFailsNaming("triple.client.channels.chat.target", "static address list is empty",
				"triple.client.channels.chat.target=static://");
		assertFailsNaming("triple.client.defaults.target", "has no port",
				"triple.client.defaults.target=orders", "triple.client.channels.chat.idle-timeout=1s");
	}

	@Test
	void unknownLoadBalancingPolicyFailsNamingIt() {
		assertFailsNaming("triple.client.channels.chat.load-balancing-policy", "No load-balancing policy of that name",
				"triple.client.channels.chat.target=localhost:1",
				"triple.client.channels.chat.load-balancing-policy=fastest");
	}

	@Test
	void invalidHeadersFailNamingThem() {
		assertFailsNaming("triple.client.channels.chat.headers.x-trace-bin", "Binary ('-bin') headers",
				"triple.client.channels.chat.target=localhost:1", "triple.client.channels.chat.headers.x-trace-bin=abc");
		assertFailsNaming("triple.client.defaults.headers.x-note", "printable ASCII",
				"triple.client.channels.chat.target=localhost:1", "triple.client.defaults.headers.x-note=caf\u00e9");
		assertFailsNaming("triple.client.channels.chat.service-group", "printable ASCII",
				"triple.client.channels.chat.target=localhost:1", "triple.client.channels.chat.service-group=a\tb");
	}

	@Test
	void unparsableValueFailsNamingIt() {
		this.runner
			.withPropertyValues("triple.client.channels.chat.target=localhost:1",
					"triple.client.channels.chat.idle-timeout=soon")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("'soon' is not a valid duration");
				assertThat(context.getStartupFailure())
					.hasStackTraceContaining("Failed to bind properties under 'triple.client.channels.chat.idle-timeout'");
			});
	}

}
