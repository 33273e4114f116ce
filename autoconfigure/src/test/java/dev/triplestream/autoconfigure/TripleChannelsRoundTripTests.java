package dev.triplestream.autoconfigure;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;

import dev.triplestream.test.v1.EchoRequest;
import dev.triplestream.test.v1.EchoServiceGrpc;
import dev.triplestream.testing.TestCertificateAuthority;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Calls through the configured {@link ManagedChannel} beans to real grpc-java servers: over
 * loopback (plaintext and TLS from an SSL bundle), over a static address list, and in-process.
 */
class TripleChannelsRoundTripTests {

	private static final Metadata.Key<String> USER_AGENT = key("user-agent");

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(StreamRegistryAutoConfiguration.class, SslAutoConfiguration.class,
				TripleChannelsAutoConfiguration.class));

	private static Metadata.Key<String> key(String name) {
		return Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
	}

	private static String echo(ApplicationContext context, String channel, String text) {
		ManagedChannel managedChannel = context.getBean("tripleChannel." + channel, ManagedChannel.class);
		return EchoServiceGrpc.newBlockingStub(managedChannel)
			.echo(EchoRequest.newBuilder().setText(text).build())
			.getText();
	}

	@Test
	void loopbackRoundTripCarriesTheStaticHeaders() throws Exception {
		try (RecordingEchoServer server = RecordingEchoServer.loopback("loop")) {
			this.runner.withPropertyValues("triple.client.defaults.headers.x-team=payments",
					"triple.client.defaults.service-version=2.0.0",
					"triple.client.channels.chat.target=127.0.0.1:" + server.port(),
					"triple.client.channels.chat.service-group=blue",
					"triple.client.channels.chat.headers.x-request-source=orders",
					"triple.client.channels.chat.user-agent=orders-app/1.0",
					"triple.client.channels.dns.target=dns:///127.0.0.1:" + server.port())
				.run((context) -> {
					assertThat(echo(context, "chat", "hello")).isEqualTo("loop:hello");
					Metadata headers = server.headers().get(0);
					assertThat(headers.get(key("x-team"))).isEqualTo("payments");
					assertThat(headers.get(key("x-request-source"))).isEqualTo("orders");
					assertThat(headers.get(key("tri-service-group"))).isEqualTo("blue");
					assertThat(headers.get(key("tri-service-version"))).isEqualTo("2.0.0");
					assertThat(headers.get(USER_AGENT)).startsWith("orders-app/1.0 grpc-java-netty");

					assertThat(echo(context, "dns", "again")).isEqualTo("loop:again");
					assertThat(server.headers().get(1).get(key("tri-service-group"))).isNull();
					assertThat(server.headers().get(1).get(key("x-team"))).isEqualTo("payments");
				});
		}
	}

	@Test
	void inProcessRoundTrip() throws Exception {
		String name = "round-trip-" + System.nanoTime();
		try (RecordingEchoServer server = RecordingEchoServer.inProcess("inproc", name)) {
			this.runner
				.withPropertyValues("triple.client.channels.local.target=in-process:" + name,
						"triple.client.channels.local.service-group=green")
				.run((context) -> {
					assertThat(echo(context, "local", "hello")).isEqualTo("inproc:hello");
					assertThat(server.headers().get(0).get(key("tri-service-group"))).isEqualTo("green");
				});
		}
	}

	@Test
	void staticListWithRoundRobinReachesEveryServer() throws Exception {
		try (RecordingEchoServer a = RecordingEchoServer.loopback("a");
				RecordingEchoServer b = RecordingEchoServer.loopback("b")) {
			this.runner.withPropertyValues(
					"triple.client.channels.spread.target=static://127.0.0.1:" + a.port() + ", 127.0.0.1:" + b.port(),
					"triple.client.channels.spread.load-balancing-policy=round_robin",
					"triple.client.channels.first.target=static://127.0.0.1:" + a.port() + ",127.0.0.1:" + b.port())
				.run((context) -> {
					Map<String, Integer> replies = new HashMap<>();
					int calls = 0;
					// round_robin picks only among ready subchannels: until both connect, one may take every call
					while (calls < 200 && replies.size() < 2) {
						calls++;
						replies.merge(echo(context, "spread", "x").split(":")[0], 1, Integer::sum);
					}
					for (int i = 0; i < 20; i++) {
						replies.merge(echo(context, "spread", "x").split(":")[0], 1, Integer::sum);
					}
					System.out.println("round_robin over two static addresses: " + replies + " after " + calls
							+ " calls to reach both, then 20 more");
					assertThat(replies).containsOnlyKeys("a", "b");
					// once both are ready, calls alternate
					assertThat(replies.get("a")).isGreaterThanOrEqualTo(10);
					assertThat(replies.get("b")).isGreaterThanOrEqualTo(10);

					a.headers().clear();
					b.headers().clear();
					for (int i = 0; i < 10; i++) {
						assertThat(echo(context, "first", "x")).isEqualTo("a:x");
					}
					assertThat(b.headers()).isEmpty();
				});
		}
	}

	@Test
	void maxInboundMessageSizeIsApplied() throws Exception {
		try (RecordingEchoServer server = RecordingEchoServer.loopback("loop")) {
			this.runner
				.withPropertyValues("triple.client.channels.small.target=127.0.0.1:" + server.port(),
						"triple.client.channels.small.max-inbound-message-size=1KB")
				.run((context) -> {
					assertThat(echo(context, "small", "size:500")).hasSize(500);
					assertThatExceptionOfType(StatusRuntimeException.class)
						.isThrownBy(() -> echo(context, "small", "size:4096"))
						.extracting(StatusRuntimeException::getStatus)
						.extracting(Status::getCode)
						.isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
				});
		}
	}

	@Test
	void tlsThroughAnSslBundle(@TempDir Path certificates) throws Exception {
		TestCertificateAuthority authority = TestCertificateAuthority.create(certificates, "ca");
		try (RecordingEchoServer server = RecordingEchoServer.loopbackTls("tls",
				authority.issueServer("server").keyManagers())) {
			this.runner.withPropertyValues(
					"spring.ssl.bundle.pem.server-trust.truststore.certificate=file:" + authority.certificatePem(),
					"triple.client.channels.secure.target=localhost:" + server.port(),
					"triple.client.channels.secure.ssl.bundle=server-trust",
					"triple.client.channels.jdk-trust.target=localhost:" + server.port(),
					"triple.client.channels.jdk-trust.ssl.enabled=true",
					"triple.client.channels.plain.target=localhost:" + server.port())
				.run((context) -> {
					assertThat(echo(context, "secure", "hello")).isEqualTo("tls:hello");
					// the JDK's default trust store does not know the test authority
					assertThatExceptionOfType(StatusRuntimeException.class)
						.isThrownBy(() -> echo(context, "jdk-trust", "hello"))
						.satisfies((ex) -> {
							assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
							assertThat(ex).hasStackTraceContaining("SSLHandshakeException");
						});
					// and a plaintext channel cannot talk to a TLS server
					assertThatExceptionOfType(StatusRuntimeException.class)
						.isThrownBy(() -> echo(context, "plain", "hello"))
						.extracting((ex) -> ex.getStatus().getCode())
						.isEqualTo(Status.Code.UNAVAILABLE);
					assertThat(server.headers()).hasSize(1);
				});
		}
	}

}
