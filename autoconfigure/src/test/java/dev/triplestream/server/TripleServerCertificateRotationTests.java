package dev.triplestream.server;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.triplestream.autoconfigure.StreamRegistryAutoConfiguration;
import dev.triplestream.autoconfigure.TripleServerAutoConfiguration;
import dev.triplestream.test.v1.EchoRequest;
import dev.triplestream.test.v1.EchoServiceGrpc;
import dev.triplestream.testing.RecordingTrustManager;
import dev.triplestream.testing.TestCertificateAuthority;
import dev.triplestream.testing.TestCertificateAuthority.IssuedCertificate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A renewed server certificate, written over the bundle's files, is presented to new connections
 * without a restart, while a stream opened before the renewal goes on and ends OK on its old
 * connection.
 */
class TripleServerCertificateRotationTests {

	@TempDir
	Path directory;

	@Test
	void newConnectionsGetTheRenewedCertificateAndOpenStreamsGoOn() {
		TestCertificateAuthority authority = TestCertificateAuthority.create(this.directory, "ca");
		IssuedCertificate original = authority.issueServer("server");
		BigInteger originalSerial = original.serial();
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(StreamRegistryAutoConfiguration.class, SslAutoConfiguration.class,
					TripleServerAutoConfiguration.class))
			.withBean(EchoTestService.class, EchoTestService::new)
			.withPropertyValues("triple.server.port=0", "triple.server.address=127.0.0.1",
					"triple.server.ssl.bundle=server",
					"spring.ssl.bundle.pem.server.keystore.certificate=file:" + original.chainPem(),
					"spring.ssl.bundle.pem.server.keystore.private-key=file:" + original.privateKeyPem(),
					"spring.ssl.bundle.pem.server.reload-on-update=true",
					"spring.ssl.bundle.watch.file.quiet-period=100ms")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				int port = context.getBean(TripleServer.class).getPort();
				RecordingTrustManager before = new RecordingTrustManager(authority);
				ManagedChannel old = channel(port, before);
				try {
					ChatCall stream = new ChatCall(old);
					stream.send(1, "before renewal");
					assertThat(stream.next().getText()).isEqualTo("echo: before renewal");
					assertThat(before.serials()).containsExactly(originalSerial);

					BigInteger renewedSerial = authority.issueServer("server").serial();
					assertThat(renewedSerial).isNotEqualTo(originalSerial);
					await().atMost(Duration.ofSeconds(30)).until(() -> serialOfANewConnection(port, authority),
							renewedSerial::equals);

					stream.send(2, "after renewal");
					assertThat(stream.next().getText()).isEqualTo("echo: after renewal");
					stream.halfClose();
					assertThat(stream.awaitStatus().getCode()).isEqualTo(Status.Code.OK);
					assertThat(before.serials()).containsExactly(originalSerial);
				}
				finally {
					old.shutdownNow();
				}
			});
	}

	/** The serial of the certificate a new connection is presented. */
	private static BigInteger serialOfANewConnection(int port, TestCertificateAuthority authority) throws Exception {
		RecordingTrustManager trust = new RecordingTrustManager(authority);
		ManagedChannel channel = channel(port, trust);
		try {
			EchoServiceGrpc.newBlockingStub(channel)
				.withDeadlineAfter(Duration.ofSeconds(5))
				.echo(EchoRequest.newBuilder().setText("probe").build());
			return trust.lastSerial();
		}
		finally {
			channel.shutdownNow();
		}
	}

	private static ManagedChannel channel(int port, RecordingTrustManager trust) throws Exception {
		return NettyChannelBuilder.forAddress("localhost", port)
			.sslContext(GrpcSslContexts.forClient().trustManager(trust).build())
			.build();
	}

}
