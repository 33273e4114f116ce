package dev.triplestream.autoconfigure;

import java.nio.file.Path;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.triplestream.test.v1.EchoRequest;
import dev.triplestream.test.v1.EchoServiceGrpc;
import dev.triplestream.testing.TestCertificateAuthority;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A channel that does not trust the server's certificate fails its calls with UNAVAILABLE and a
 * description that says it was the certificate, naming the channel and its bundle: grpc-java's own
 * says "io exception", the reason only in the cause.
 */
class ChannelTlsFailureTests {

	@TempDir
	Path directory;

	@Test
	void aServerCertificateFromAnUntrustedAuthorityIsNamedInTheStatus() throws Exception {
		TestCertificateAuthority authority = TestCertificateAuthority.create(this.directory, "ca");
		TestCertificateAuthority other = TestCertificateAuthority.create(this.directory, "other");
		try (RecordingEchoServer server = RecordingEchoServer.loopbackTls("tls",
				authority.issueServer("server").keyManagers())) {
			new ApplicationContextRunner()
				.withConfiguration(AutoConfigurations.of(StreamRegistryAutoConfiguration.class,
						SslAutoConfiguration.class, TripleChannelsAutoConfiguration.class))
				.withPropertyValues("spring.ssl.bundle.pem.other.truststore.certificate=file:" + other.certificatePem(),
						"triple.client.channels.secure.target=localhost:" + server.port(),
						"triple.client.channels.secure.ssl.bundle=other")
				.run((context) -> assertThatExceptionOfType(StatusRuntimeException.class)
					.isThrownBy(() -> EchoServiceGrpc
						.newBlockingStub(context.getBean("tripleChannel.secure", ManagedChannel.class))
						.echo(EchoRequest.newBuilder().setText("hi").build()))
					.satisfies((ex) -> {
						assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
						assertThat(ex.getStatus().getDescription()).contains("channel 'secure'")
							.contains("server's certificate is not trusted by SSL bundle 'other'");
					}));
			assertThat(server.headers()).isEmpty();
		}
	}

}
