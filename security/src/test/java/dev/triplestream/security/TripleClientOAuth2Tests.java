package dev.triplestream.security;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.security.oauth2.client.AuthorizedClientServiceOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.InMemoryOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientProviderBuilder;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;

import dev.triplestream.autoconfigure.RecordingEchoServer;
import dev.triplestream.autoconfigure.StreamRegistryAutoConfiguration;
import dev.triplestream.autoconfigure.TripleChannelsAutoConfiguration;
import dev.triplestream.test.v1.EchoRequest;
import dev.triplestream.test.v1.EchoServiceGrpc;
import dev.triplestream.testing.TestCertificateAuthority;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A channel with {@code auth.oauth2.registration-id} sends the access token that Spring
 * Security's OAuth2 client obtained with the client-credentials grant from a real token endpoint
 * (a JDK HTTP server on a free port), over loopback TLS to a real grpc-java server.
 */
class TripleClientOAuth2Tests {

	private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization",
			Metadata.ASCII_STRING_MARSHALLER);

	private static final String CLIENT_SECRET = "cl1ent-s3cret-5150";

	@TempDir
	static Path directory;

	private static TestCertificateAuthority authority;

	private static RecordingEchoServer server;

	private static HttpServer tokenEndpoint;

	private static final AtomicInteger issued = new AtomicInteger();

	private static final List<String> tokenRequests = new CopyOnWriteArrayList<>();

	private static volatile int expiresIn;

	@BeforeAll
	static void startServers() throws Exception {
		authority = TestCertificateAuthority.create(directory, "ca");
		server = RecordingEchoServer.loopbackTls("tls", authority.issueServer("server").keyManagers());
		tokenEndpoint = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		tokenEndpoint.createContext("/token", TripleClientOAuth2Tests::token);
		tokenEndpoint.start();
	}

	@org.junit.jupiter.api.AfterAll
	static void stopServers() throws Exception {
		tokenEndpoint.stop(0);
		server.close();
	}

	@BeforeEach
	void reset() {
		tokenRequests.clear();
	}

	@AfterEach
	void noSecretInRequests() {
		assertThat(server.headers()).allSatisfy(
				(headers) -> assertThat(String.valueOf(headers.get(AUTHORIZATION))).doesNotContain(CLIENT_SECRET));
	}

	private static void token(HttpExchange exchange) throws IOException {
		String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
		tokenRequests.add(exchange.getRequestMethod() + " " + body + " "
				+ exchange.getRequestHeaders().getFirst("Authorization"));
		byte[] answer = ("{\"access_token\":\"oauth-token-" + issued.incrementAndGet()
				+ "\",\"token_type\":\"Bearer\",\"expires_in\":" + expiresIn + "}")
			.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().add("Content-Type", "application/json");
		exchange.sendResponseHeaders(200, answer.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(answer);
		}
	}

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(StreamRegistryAutoConfiguration.class, SslAutoConfiguration.class,
				TripleClientOAuth2AutoConfiguration.class, TripleChannelsAutoConfiguration.class))
		.withPropertyValues("spring.ssl.bundle.pem.ca.truststore.certificate=file:" + authority.certificatePem(),
				"triple.client.channels.orders.target=localhost:" + server.port(),
				"triple.client.channels.orders.ssl.bundle=ca",
				"triple.client.channels.orders.auth.oauth2.registration-id=orders");

	@Test
	void everyCallAsksTheManagerWhichRenewsAnExpiringToken() {
		// a token expiring within the provider's clock skew (60s) is renewed before each call
		expiresIn = 30;
		this.runner.withUserConfiguration(OAuth2Client.class).run((context) -> {
			echo(context);
			String first = lastAuthorization();
			echo(context);
			String second = lastAuthorization();
			assertThat(first).startsWith("Bearer oauth-token-");
			assertThat(second).startsWith("Bearer oauth-token-").isNotEqualTo(first);
			String basic = "Basic " + Base64.getEncoder()
				.encodeToString(("orders-app:" + CLIENT_SECRET).getBytes(StandardCharsets.UTF_8));
			assertThat(tokenRequests).hasSize(2)
				.allSatisfy((request) -> assertThat(request).startsWith("POST ")
					.contains("grant_type=client_credentials")
					.endsWith(basic));
		});
	}

	@Test
	void aValidTokenIsReusedWithoutAskingTheTokenEndpoint() {
		expiresIn = 3600;
		this.runner.withUserConfiguration(OAuth2Client.class).run((context) -> {
			echo(context);
			String first = lastAuthorization();
			echo(context);
			assertThat(lastAuthorization()).isEqualTo(first);
			assertThat(tokenRequests).hasSize(1);
		});
	}

	@Test
	void withoutAnAuthorizedClientManagerStartUpFailsNamingTheProperty() {
		this.runner.run((context) -> assertThat(invalidProperty(context.getStartupFailure()).getName())
			.isEqualTo("triple.client.channels.orders.auth.oauth2.registration-id"));
	}

	@Test
	void anUnknownRegistrationFailsStartUpNamingTheProperty() {
		this.runner.withUserConfiguration(OAuth2Client.class)
			.withPropertyValues("triple.client.channels.orders.auth.oauth2.registration-id=nope")
			.run((context) -> assertThat(invalidProperty(context.getStartupFailure()))
				.hasMessageContaining("triple.client.channels.orders.auth.oauth2.registration-id")
				.hasMessageContaining("No OAuth2 client registration"));
	}

	private static InvalidConfigurationPropertyValueException invalidProperty(Throwable failure) {
		assertThat(failure).isNotNull();
		Throwable cause = NestedExceptionUtils.getMostSpecificCause(failure);
		assertThat(cause).isInstanceOf(InvalidConfigurationPropertyValueException.class);
		return (InvalidConfigurationPropertyValueException) cause;
	}

	private static void echo(ApplicationContext context) {
		EchoServiceGrpc.newBlockingStub(context.getBean("tripleChannel.orders", ManagedChannel.class))
			.echo(EchoRequest.newBuilder().setText("hi").build());
	}

	private static String lastAuthorization() {
		List<Metadata> headers = server.headers();
		return headers.get(headers.size() - 1).get(AUTHORIZATION);
	}

	@Configuration(proxyBeanMethods = false)
	static class OAuth2Client {

		@Bean
		ClientRegistrationRepository clientRegistrations() {
			return new InMemoryClientRegistrationRepository(ClientRegistration.withRegistrationId("orders")
				.clientId("orders-app")
				.clientSecret(CLIENT_SECRET)
				.authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
				.tokenUri("http://127.0.0.1:" + tokenEndpoint.getAddress().getPort() + "/token")
				.build());
		}

		@Bean
		OAuth2AuthorizedClientManager authorizedClientManager(ClientRegistrationRepository registrations) {
			AuthorizedClientServiceOAuth2AuthorizedClientManager manager = new AuthorizedClientServiceOAuth2AuthorizedClientManager(
					registrations, new InMemoryOAuth2AuthorizedClientService(registrations));
			manager.setAuthorizedClientProvider(OAuth2AuthorizedClientProviderBuilder.builder().clientCredentials().build());
			return manager;
		}

	}

}
