package dev.triplestream.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.NestedExceptionUtils;

import dev.triplestream.client.TripleCallCredentials;
import dev.triplestream.test.v1.EchoRequest;
import dev.triplestream.test.v1.EchoServiceGrpc;
import dev.triplestream.testing.TestCertificateAuthority;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A channel's credentials arrive at a real grpc-java server over loopback TLS as the
 * {@code authorization} header: a static bearer token, basic credentials, or a
 * {@link TripleCallCredentials} bean asked anew for every call; never in plaintext unless allowed.
 */
class ChannelCallCredentialsTests {

	private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization",
			Metadata.ASCII_STRING_MARSHALLER);

	private static final String TOKEN = "tok-5ecret-bearer-77";

	@TempDir
	static Path directory;

	private static TestCertificateAuthority authority;

	private static RecordingEchoServer server;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(StreamRegistryAutoConfiguration.class, SslAutoConfiguration.class,
				TripleChannelsAutoConfiguration.class))
		.withPropertyValues(
				"spring.ssl.bundle.pem.ca.truststore.certificate=file:" + authority.certificatePem(),
				"triple.client.channels.secure.target=localhost:" + server.port(),
				"triple.client.channels.secure.ssl.bundle=ca");

	@BeforeAll
	static void startServer() throws Exception {
		authority = TestCertificateAuthority.create(directory, "ca");
		server = RecordingEchoServer.loopbackTls("tls", authority.issueServer("server").keyManagers());
	}

	@AfterAll
	static void stopServer() throws Exception {
		server.close();
	}

	private static String echo(ApplicationContext context, String channel) {
		return EchoServiceGrpc.newBlockingStub(context.getBean("tripleChannel." + channel, ManagedChannel.class))
			.echo(EchoRequest.newBuilder().setText("hi").build())
			.getText();
	}

	private static String lastAuthorization(RecordingEchoServer server) {
		return server.headers().get(server.headers().size() - 1).get(AUTHORIZATION);
	}

	@Test
	void staticBearerTokenArrivesOverTls() {
		this.runner.withPropertyValues("triple.client.channels.secure.auth.bearer-token=" + TOKEN).run((context) -> {
			assertThat(echo(context, "secure")).isEqualTo("tls:hi");
			assertThat(lastAuthorization(server)).isEqualTo("Bearer " + TOKEN);
		});
	}

	@Test
	void basicCredentialsArriveOverTls() {
		this.runner
			.withPropertyValues("triple.client.channels.secure.auth.basic.username=alice",
					"triple.client.channels.secure.auth.basic.password=pa55:wörd")
			.run((context) -> {
				assertThat(echo(context, "secure")).isEqualTo("tls:hi");
				assertThat(lastAuthorization(server)).isEqualTo("Basic "
						+ Base64.getEncoder().encodeToString("alice:pa55:wörd".getBytes(StandardCharsets.UTF_8)));
			});
	}

	@Test
	void aQualifiedCredentialsBeanIsAskedForEveryCallOfItsChannelOnly() {
		this.runner.withUserConfiguration(CountingCredentials.class)
			.withPropertyValues("triple.client.channels.other.target=localhost:" + server.port(),
					"triple.client.channels.other.ssl.bundle=ca")
			.run((context) -> {
				assertThat(echo(context, "secure")).isEqualTo("tls:hi");
				assertThat(lastAuthorization(server)).isEqualTo("Bearer fresh-1");
				assertThat(echo(context, "secure")).isEqualTo("tls:hi");
				assertThat(lastAuthorization(server)).isEqualTo("Bearer fresh-2");
				assertThat(echo(context, "other")).isEqualTo("tls:hi");
				assertThat(lastAuthorization(server)).isNull();
			});
	}

	@Test
	void credentialsThatFailFailTheCallNamingTheChannel() {
		this.runner.withBean("secure", TripleCallCredentials.class,
				() -> (call) -> CompletableFuture.failedFuture(new IllegalStateException("token endpoint down")))
			.run((context) -> assertThatExceptionOfType(StatusRuntimeException.class)
				.isThrownBy(() -> echo(context, "secure"))
				.satisfies((ex) -> {
					assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
					assertThat(ex.getStatus().getDescription()).contains("channel 'secure'")
						.contains("token endpoint down");
				}));
	}

	@Test
	void credentialsOverAPlaintextTargetFailStartUpNamingAllowInsecure() {
		this.runner
			.withPropertyValues("triple.client.channels.plain.target=127.0.0.1:1",
					"triple.client.channels.plain.auth.bearer-token=" + TOKEN)
			.run((context) -> {
				FailureAnalysis analysis = analyze(context.getStartupFailure());
				assertThat(analysis.getDescription())
					.contains("'triple.client.channels.plain.auth.allow-insecure'")
					.contains("triple.client.channels.plain.auth.bearer-token")
					.doesNotContain(TOKEN);
				assertThat(analysis.getAction()).contains("triple.client.channels.plain.auth.allow-insecure");
			});
	}

	@Test
	void aCredentialsBeanOverAPlaintextTargetFailsStartUpToo() {
		this.runner.withBean("plain", TripleCallCredentials.class, () -> TripleCallCredentials.bearer(TOKEN))
			.withPropertyValues("triple.client.channels.plain.target=127.0.0.1:1")
			.run((context) -> assertThat(analyze(context.getStartupFailure()).getDescription())
				.contains("'triple.client.channels.plain.auth.allow-insecure'")
				.contains("bean 'plain'"));
	}

	@Test
	void allowInsecureSendsCredentialsInPlaintext() throws Exception {
		try (RecordingEchoServer plain = RecordingEchoServer.loopback("plain")) {
			this.runner
				.withPropertyValues("triple.client.channels.plain.target=127.0.0.1:" + plain.port(),
						"triple.client.channels.plain.auth.bearer-token=" + TOKEN,
						"triple.client.channels.plain.auth.allow-insecure=true")
				.run((context) -> {
					assertThat(echo(context, "plain")).isEqualTo("plain:hi");
					assertThat(lastAuthorization(plain)).isEqualTo("Bearer " + TOKEN);
				});
		}
	}

	@Test
	void bearerAndBasicTogetherFailStartUpNamingBoth() {
		this.runner
			.withPropertyValues("triple.client.channels.secure.auth.bearer-token=" + TOKEN,
					"triple.client.channels.secure.auth.basic.username=alice",
					"triple.client.channels.secure.auth.basic.password=pa55word")
			.run((context) -> {
				FailureAnalysis analysis = analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("triple.client.channels.secure.auth.bearer-token")
					.contains("triple.client.channels.secure.auth.basic.username")
					.doesNotContain(TOKEN)
					.doesNotContain("pa55word");
			});
	}

	@Test
	void aBasicUserNameWithoutPasswordFailsStartUp() {
		this.runner.withPropertyValues("triple.client.channels.secure.auth.basic.username=alice")
			.run((context) -> assertThat(analyze(context.getStartupFailure()).getDescription())
				.contains("'triple.client.channels.secure.auth.basic.password'"));
	}

	@Test
	void aTokenThatCannotBeAHeaderFailsStartUpWithoutShowingIt() {
		this.runner.withPropertyValues("triple.client.channels.secure.auth.bearer-token=two words")
			.run((context) -> assertThat(analyze(context.getStartupFailure()).getDescription())
				.contains("'triple.client.channels.secure.auth.bearer-token'")
				.doesNotContain("two words"));
	}

	@Test
	void aRegistrationIdWithoutTheSecurityModuleFailsStartUp() {
		this.runner.withPropertyValues("triple.client.channels.secure.auth.oauth2.registration-id=orders")
			.run((context) -> assertThat(analyze(context.getStartupFailure()).getDescription())
				.contains("'triple.client.channels.secure.auth.oauth2.registration-id'")
				.contains("OAuth2AuthorizedClientManager"));
	}

	static FailureAnalysis analyze(Throwable failure) {
		assertThat(failure).as("start-up failure").isNotNull();
		InvalidConfigurationPropertyValueException cause = (InvalidConfigurationPropertyValueException) NestedExceptionUtils
			.getMostSpecificCause(failure);
		FailureAnalysis analysis = new TriplePropertyFailureAnalyzer().analyze(failure);
		assertThat(analysis).as("analysis of %s", cause).isNotNull();
		return analysis;
	}

	@Configuration(proxyBeanMethods = false)
	static class CountingCredentials {

		@Bean
		@Qualifier("secure")
		TripleCallCredentials secureCredentials() {
			AtomicInteger count = new AtomicInteger();
			return (call) -> CompletableFuture.supplyAsync(() -> {
				Metadata headers = new Metadata();
				headers.put(AUTHORIZATION, "Bearer fresh-" + count.incrementAndGet());
				return headers;
			}, call.executor());
		}

	}

}
