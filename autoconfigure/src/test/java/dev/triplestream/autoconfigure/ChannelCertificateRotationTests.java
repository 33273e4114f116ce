package dev.triplestream.autoconfigure;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLSession;

import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.triplestream.test.v1.EchoRequest;
import dev.triplestream.test.v1.EchoResponse;
import dev.triplestream.test.v1.EchoServiceGrpc;
import dev.triplestream.testing.TestCertificateAuthority;
import dev.triplestream.testing.TestCertificateAuthority.IssuedCertificate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A renewed client certificate, written over the channel's bundle files, is presented by the
 * channel's new connections (here: after the channel went idle, as it does after its idle timeout
 * or when the server ends the connection), while a stream open on the old connection goes on.
 */
class ChannelCertificateRotationTests {

	@TempDir
	Path directory;

	@Test
	void newConnectionsOfTheChannelPresentTheRenewedClientCertificate() throws Exception {
		TestCertificateAuthority authority = TestCertificateAuthority.create(this.directory, "ca");
		IssuedCertificate client = authority.issueClient("client", "orders");
		BigInteger originalSerial = client.serial();
		List<BigInteger> peers = new CopyOnWriteArrayList<>();
		Server server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
			.sslContext(GrpcSslContexts
				.configure(SslContextBuilder.forServer(authority.issueServer("server").keyManagers()))
				.trustManager(authority.trustManagers())
				.clientAuth(ClientAuth.REQUIRE)
				.build())
			.addService(ServerInterceptors.intercept(new Chat(), new PeerRecorder(peers)))
			.build()
			.start();
		try {
			new ApplicationContextRunner()
				.withConfiguration(AutoConfigurations.of(StreamRegistryAutoConfiguration.class,
						SslAutoConfiguration.class, TripleChannelsAutoConfiguration.class))
				.withPropertyValues("triple.client.channels.secure.target=localhost:" + server.getPort(),
						"triple.client.channels.secure.ssl.bundle=client",
						"spring.ssl.bundle.pem.client.keystore.certificate=file:" + client.chainPem(),
						"spring.ssl.bundle.pem.client.keystore.private-key=file:" + client.privateKeyPem(),
						"spring.ssl.bundle.pem.client.truststore.certificate=file:" + authority.certificatePem(),
						"spring.ssl.bundle.pem.client.reload-on-update=true",
						"spring.ssl.bundle.watch.file.quiet-period=100ms")
				.run((context) -> {
					ManagedChannel channel = context.getBean("tripleChannel.secure", ManagedChannel.class);
					ChatStream stream = new ChatStream(channel);
					assertThat(stream.exchange("before renewal")).isEqualTo("before renewal");
					assertThat(peers).containsExactly(originalSerial);

					BigInteger renewedSerial = authority.issueClient("client", "orders").serial();
					assertThat(renewedSerial).isNotEqualTo(originalSerial);
					await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
						// the channel lets its connection go; its next call opens a new one
						channel.enterIdle();
						echo(channel);
						assertThat(peers.get(peers.size() - 1)).isEqualTo(renewedSerial);
					});

					assertThat(stream.exchange("after renewal")).isEqualTo("after renewal");
					assertThat(stream.finish().getCode()).isEqualTo(Status.Code.OK);
				});
		}
		finally {
			server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
		}
	}

	private static void echo(ManagedChannel channel) {
		EchoServiceGrpc.newBlockingStub(channel)
			.withDeadlineAfter(Duration.ofSeconds(5))
			.echo(EchoRequest.newBuilder().setText("probe").build());
	}

	/** A bidi echo over one call, exchanged one message at a time. */
	private static final class ChatStream implements StreamObserver<EchoResponse> {

		private final java.util.concurrent.BlockingQueue<Object> events = new java.util.concurrent.LinkedBlockingQueue<>();

		private final StreamObserver<EchoRequest> requests;

		ChatStream(ManagedChannel channel) {
			this.requests = EchoServiceGrpc.newStub(channel).chat(this);
		}

		String exchange(String text) throws InterruptedException {
			this.requests.onNext(EchoRequest.newBuilder().setText(text).build());
			Object event = this.events.poll(10, TimeUnit.SECONDS);
			assertThat(event).as("response to %s", text).isInstanceOf(EchoResponse.class);
			return ((EchoResponse) event).getText();
		}

		Status finish() throws InterruptedException {
			this.requests.onCompleted();
			Object event = this.events.poll(10, TimeUnit.SECONDS);
			assertThat(event).isInstanceOf(Status.class);
			return (Status) event;
		}

		@Override
		public void onNext(EchoResponse value) {
			this.events.add(value);
		}

		@Override
		public void onError(Throwable t) {
			this.events.add(Status.fromThrowable(t));
		}

		@Override
		public void onCompleted() {
			this.events.add(Status.OK);
		}

	}

	private static final class Chat extends EchoServiceGrpc.EchoServiceImplBase {

		@Override
		public void echo(EchoRequest request, StreamObserver<EchoResponse> responses) {
			responses.onNext(EchoResponse.newBuilder().setText(request.getText()).build());
			responses.onCompleted();
		}

		@Override
		public StreamObserver<EchoRequest> chat(StreamObserver<EchoResponse> responses) {
			return new StreamObserver<>() {

				@Override
				public void onNext(EchoRequest request) {
					responses.onNext(EchoResponse.newBuilder().setText(request.getText()).build());
				}

				@Override
				public void onError(Throwable t) {
				}

				@Override
				public void onCompleted() {
					responses.onCompleted();
				}

			};
		}

	}

	/** Records the serial of the client certificate of every call's connection. */
	private record PeerRecorder(List<BigInteger> peers) implements ServerInterceptor {

		@Override
		public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
				ServerCallHandler<Q, R> next) {
			try {
				SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
				this.peers.add(((X509Certificate) session.getPeerCertificates()[0]).getSerialNumber());
			}
			catch (javax.net.ssl.SSLPeerUnverifiedException ex) {
				throw new IllegalStateException(ex);
			}
			return next.startCall(call, headers);
		}

	}

}
