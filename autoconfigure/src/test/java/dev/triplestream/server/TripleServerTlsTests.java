package dev.triplestream.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.net.ssl.KeyManagerFactory;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.triplestream.autoconfigure.StreamRegistryAutoConfiguration;
import dev.triplestream.autoconfigure.TripleServerAutoConfiguration;
import dev.triplestream.test.v1.EchoRequest;
import dev.triplestream.test.v1.EchoServiceGrpc;
import dev.triplestream.testing.TestCertificateAuthority;
import dev.triplestream.testing.TestCertificateAuthority.IssuedCertificate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The server's TLS from an SSL bundle, against real grpc-java clients, with certificates a test
 * authority issues for each run: who is refused during the handshake, and that a refused handshake
 * leaves the streams of others alone.
 */
class TripleServerTlsTests {

	@TempDir
	static Path directory;

	private static TestCertificateAuthority authority;

	private static TestCertificateAuthority otherAuthority;

	private static IssuedCertificate goodClient;

	private static IssuedCertificate foreignClient;

	private final List<ManagedChannel> channels = new CopyOnWriteArrayList<>();

	@BeforeAll
	static void issueCertificates() {
		authority = TestCertificateAuthority.create(directory, "ca");
		otherAuthority = TestCertificateAuthority.create(directory, "other");
		authority.issueServer("server");
		goodClient = authority.issueClient("good", "good client");
		foreignClient = otherAuthority.issueClient("foreign", "foreign client");
	}

	private ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(StreamRegistryAutoConfiguration.class, SslAutoConfiguration.class,
					TripleServerAutoConfiguration.class))
			.withUserConfiguration(EchoServiceConfiguration.class)
			.withPropertyValues("triple.server.port=0", "triple.server.address=127.0.0.1",
					"triple.server.ssl.bundle=server",
					"spring.ssl.bundle.jks.server.keystore.location=file:" + directory.resolve("server.p12"),
					"spring.ssl.bundle.jks.server.keystore.password=" + TestCertificateAuthority.PASSWORD,
					"spring.ssl.bundle.jks.server.keystore.type=PKCS12",
					"spring.ssl.bundle.jks.server.truststore.location=file:" + authority.trustStore(),
					"spring.ssl.bundle.jks.server.truststore.password=" + TestCertificateAuthority.PASSWORD,
					"spring.ssl.bundle.jks.server.truststore.type=PKCS12");
	}

	@AfterEach
	void closeChannels() {
		this.channels.forEach(ManagedChannel::shutdownNow);
	}

	@Test
	void servesTlsClientsAndRefusesPlaintextOnes() {
		runner().run((context) -> {
			assertThat(context).hasNotFailed();
			int port = context.getBean(TripleServer.class).getPort();
			assertThat(echo(tls(port, authority, null), "over tls")).isEqualTo("over tls");
			ChatCall call = new ChatCall(tls(port, authority, null));
			call.send(1, "secure");
			call.halfClose();
			assertThat(call.next().getText()).isEqualTo("echo: secure");
			assertThat(call.awaitStatus().getCode()).isEqualTo(Status.Code.OK);

			ManagedChannel plaintext = channel(
					NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build());
			assertThatExceptionOfType(StatusRuntimeException.class).isThrownBy(() -> echo(plaintext, "plain"))
				.satisfies((ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
		});
	}

	@Test
	void requiredClientAuthRefusesAnonymousAndForeignClientsWhileATrustedOneKeepsStreaming() {
		runner().withPropertyValues("triple.server.ssl.client-auth=require").run((context) -> {
			assertThat(context).hasNotFailed();
			int port = context.getBean(TripleServer.class).getPort();
			ChatCall trusted = new ChatCall(tls(port, authority, goodClient.keyManagers()));
			trusted.send(1, "before");
			assertThat(trusted.next().getText()).isEqualTo("echo: before");

			ManagedChannel anonymous = tls(port, authority, null);
			assertThatExceptionOfType(StatusRuntimeException.class).isThrownBy(() -> echo(anonymous, "anonymous"))
				.satisfies((ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
			trusted.send(2, "between");
			assertThat(trusted.next().getText()).isEqualTo("echo: between");

			ManagedChannel foreign = tls(port, authority, foreignClient.keyManagers());
			assertThatExceptionOfType(StatusRuntimeException.class).isThrownBy(() -> echo(foreign, "foreign"))
				.satisfies((ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));

			trusted.send(3, "after");
			assertThat(trusted.next().getText()).isEqualTo("echo: after");
			trusted.halfClose();
			assertThat(trusted.awaitStatus().getCode()).isEqualTo(Status.Code.OK);
			assertThat(echo(tls(port, authority, goodClient.keyManagers()), "new connection"))
				.isEqualTo("new connection");
		});
	}

	private ManagedChannel tls(int port, TestCertificateAuthority trusted, KeyManagerFactory clientKey)
			throws Exception {
		SslContextBuilder ssl = GrpcSslContexts.forClient().trustManager(trusted.trustManagers());
		if (clientKey != null) {
			ssl.keyManager(clientKey);
		}
		return channel(NettyChannelBuilder.forAddress("localhost", port).sslContext(ssl.build()).build());
	}

	private ManagedChannel channel(ManagedChannel channel) {
		this.channels.add(channel);
		return channel;
	}

	private static String echo(ManagedChannel channel, String text) {
		return EchoServiceGrpc.newBlockingStub(channel)
			.withDeadlineAfter(Duration.ofSeconds(10))
			.echo(EchoRequest.newBuilder().setText(text).build())
			.getText();
	}

	@Configuration(proxyBeanMethods = false)
	static class EchoServiceConfiguration {

		@Bean
		EchoTestService echoService() {
			return new EchoTestService();
		}

	}

}
