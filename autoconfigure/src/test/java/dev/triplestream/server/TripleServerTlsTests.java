package dev.triplestream.server;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

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

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * TLS from an SSL bundle, with certificates made by {@code keytool} for each run.
 */
class TripleServerTlsTests {

	private static final String PASSWORD = "changeit";

	@TempDir
	static Path dir;

	private final List<ManagedChannel> channels = new CopyOnWriteArrayList<>();

	private ApplicationContextRunner runner;

	@BeforeAll
	static void makeCertificates() throws Exception {
		keytool("-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2", "-dname",
				"CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-storetype", "PKCS12", "-keystore",
				path("server.p12"), "-storepass", PASSWORD, "-keypass", PASSWORD);
		keytool("-exportcert", "-rfc", "-alias", "server", "-keystore", path("server.p12"), "-storepass", PASSWORD,
				"-file", path("server.crt"));
		keytool("-genkeypair", "-alias", "client", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2", "-dname",
				"CN=test client", "-storetype", "PKCS12", "-keystore", path("client.p12"), "-storepass", PASSWORD,
				"-keypass", PASSWORD);
		keytool("-exportcert", "-rfc", "-alias", "client", "-keystore", path("client.p12"), "-storepass", PASSWORD,
				"-file", path("client.crt"));
		keytool("-importcert", "-noprompt", "-alias", "client", "-file", path("client.crt"), "-storetype", "PKCS12",
				"-keystore", path("trusted-clients.p12"), "-storepass", PASSWORD);
	}

	private static String path(String file) {
		return dir.resolve(file).toString();
	}

	private static void keytool(String... args) throws Exception {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
		command.addAll(List.of(args));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes());
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).as("keytool %s: %s", args[0], output).isZero();
	}

	private ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(StreamRegistryAutoConfiguration.class, SslAutoConfiguration.class,
					TripleServerAutoConfiguration.class))
			.withUserConfiguration(EchoServiceConfiguration.class)
			.withPropertyValues("triple.server.port=0", "triple.server.ssl.bundle=server",
					"spring.ssl.bundle.jks.server.keystore.location=file:" + path("server.p12"),
					"spring.ssl.bundle.jks.server.keystore.password=" + PASSWORD,
					"spring.ssl.bundle.jks.server.keystore.type=PKCS12",
					"spring.ssl.bundle.jks.server.truststore.location=file:" + path("trusted-clients.p12"),
					"spring.ssl.bundle.jks.server.truststore.password=" + PASSWORD,
					"spring.ssl.bundle.jks.server.truststore.type=PKCS12");
	}

	@AfterEach
	void closeChannels() {
		this.channels.forEach(ManagedChannel::shutdownNow);
	}

	@Test
	void servesTlsClientsOnly() {
		runner().run((context) -> {
			assertThat(context).hasNotFailed();
			int port = context.getBean(TripleServer.class).getPort();
			assertThat(echo(tls(port, false), "over tls")).isEqualTo("over tls");
			ChatCall call = new ChatCall(tls(port, false));
			call.send(1, "secure");
			call.halfClose();
			assertThat(call.next().getText()).isEqualTo("echo: secure");
			assertThat(call.awaitStatus().getCode()).isEqualTo(Status.Code.OK);

			ManagedChannel plaintext = channel(NettyChannelBuilder.forAddress("localhost", port).usePlaintext().build());
			assertThatExceptionOfType(StatusRuntimeException.class).isThrownBy(() -> echo(plaintext, "plain"))
				.satisfies((ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
		});
	}

	@Test
	void requiresATrustedClientCertificateWhenConfigured() {
		runner().withPropertyValues("triple.server.ssl.client-auth=require").run((context) -> {
			assertThat(context).hasNotFailed();
			int port = context.getBean(TripleServer.class).getPort();
			assertThat(echo(tls(port, true), "with certificate")).isEqualTo("with certificate");
			ManagedChannel anonymous = tls(port, false);
			assertThatExceptionOfType(StatusRuntimeException.class).isThrownBy(() -> echo(anonymous, "anonymous"))
				.satisfies((ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
		});
	}

	private ManagedChannel tls(int port, boolean withClientCertificate) throws Exception {
		SslContextBuilder ssl = GrpcSslContexts.forClient().trustManager(dir.resolve("server.crt").toFile());
		if (withClientCertificate) {
			KeyStore keyStore = KeyStore.getInstance("PKCS12");
			try (InputStream in = Files.newInputStream(dir.resolve("client.p12"))) {
				keyStore.load(in, PASSWORD.toCharArray());
			}
			KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
			keyManagers.init(keyStore, PASSWORD.toCharArray());
			ssl.keyManager(keyManagers);
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
