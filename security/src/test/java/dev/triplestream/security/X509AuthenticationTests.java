package dev.triplestream.security;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
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

import dev.triplestream.server.TripleServer;
import dev.triplestream.test.v1.EchoServiceGrpc;
import dev.triplestream.testing.TestCertificateAuthority;
import dev.triplestream.testing.TestCertificateAuthority.IssuedCertificate;

import static dev.triplestream.security.Calls.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The client certificate of a mutual-TLS connection authenticates its calls: the subject's common
 * name is loaded from the {@code UserDetailsService}, as Spring Security's X.509 support does.
 */
class X509AuthenticationTests {

	@TempDir
	static Path dir;

	static TestCertificateAuthority authority;

	static IssuedCertificate server;

	private final List<ManagedChannel> channels = new CopyOnWriteArrayList<>();

	@BeforeAll
	static void issueCertificates() {
		authority = TestCertificateAuthority.create(dir, "ca");
		server = authority.issueServer("server");
	}

	@AfterEach
	void closeChannels() {
		this.channels.forEach(ManagedChannel::shutdownNow);
	}

	private ApplicationContextRunner runner() {
		String password = TestCertificateAuthority.PASSWORD;
		return ServerSecurityTests.base()
			.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class))
			.withPropertyValues("triple.server.ssl.bundle=server", "triple.server.ssl.client-auth=optional",
					"spring.ssl.bundle.jks.server.keystore.location=file:" + server.keyStore(),
					"spring.ssl.bundle.jks.server.keystore.password=" + password,
					"spring.ssl.bundle.jks.server.keystore.type=PKCS12",
					"spring.ssl.bundle.jks.server.truststore.location=file:" + authority.trustStore(),
					"spring.ssl.bundle.jks.server.truststore.password=" + password,
					"spring.ssl.bundle.jks.server.truststore.type=PKCS12");
	}

	@Test
	void theClientCertificateSubjectIsThePrincipal() {
		IssuedCertificate alice = authority.issueClient("alice", "alice");
		IssuedCertificate mallory = authority.issueClient("mallory", "mallory");
		runner().run((context) -> {
			assertThat(context).hasNotFailed();
			int port = context.getBean(TripleServer.class).getPort();
			assertThat(echo(tls(port, alice))).isEqualTo("hi from alice");
			assertThatExceptionOfType(StatusRuntimeException.class).isThrownBy(() -> echo(tls(port, mallory)))
				.satisfies((ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
			assertThatExceptionOfType(StatusRuntimeException.class).isThrownBy(() -> echo(tls(port, null)))
				.satisfies((ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
		});
	}

	private String echo(ManagedChannel channel) {
		return EchoServiceGrpc.newBlockingStub(channel)
			.withDeadlineAfter(Duration.ofSeconds(10))
			.echo(request("hi"))
			.getText();
	}

	private ManagedChannel tls(int port, IssuedCertificate client) throws Exception {
		SslContextBuilder ssl = GrpcSslContexts.forClient().trustManager(authority.certificatePem().toFile());
		if (client != null) {
			KeyStore keyStore = KeyStore.getInstance("PKCS12");
			try (InputStream in = Files.newInputStream(client.keyStore())) {
				keyStore.load(in, TestCertificateAuthority.PASSWORD.toCharArray());
			}
			KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
			keyManagers.init(keyStore, TestCertificateAuthority.PASSWORD.toCharArray());
			ssl.keyManager(keyManagers);
		}
		ManagedChannel channel = NettyChannelBuilder.forAddress("localhost", port).sslContext(ssl.build()).build();
		this.channels.add(channel);
		return channel;
	}

}
