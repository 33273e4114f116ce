package dev.triplestream.actuate;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.triplestream.autoconfigure.StreamRegistryAutoConfiguration;
import dev.triplestream.autoconfigure.TripleChannelsAutoConfiguration;
import dev.triplestream.autoconfigure.TripleHealthAutoConfiguration;
import dev.triplestream.client.TripleChannels;
import dev.triplestream.test.v1.EchoRequest;
import dev.triplestream.test.v1.EchoServiceGrpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * One health indicator per channel under {@code triple/channels}: UP while never used or idle, UP
 * in TRANSIENT_FAILURE until the failure threshold, DOWN after it, against a real server on
 * loopback that goes away.
 */
class ChannelHealthTests {

	private Server server;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(StreamRegistryAutoConfiguration.class,
				TripleChannelsAutoConfiguration.class, TripleHealthAutoConfiguration.class));

	@BeforeEach
	void startServer() throws Exception {
		this.server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
			.addService(new TripleObservabilityTests.Echo())
			.build()
			.start();
	}

	@AfterEach
	void stopServer() {
		this.server.shutdownNow();
	}

	private ApplicationContextRunner withChannel() {
		return this.runner.withPropertyValues("triple.client.channels.echo.target=127.0.0.1:" + this.server.getPort());
	}

	@Test
	void neverUsedChannelIsUp() {
		withChannel().run((context) -> {
			Health health = channel(context.getBean(TripleHealthContributor.class));
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("state", "NOT_CREATED");
		});
	}

	@Test
	void channelWhoseServerWentAwayIsDownOnlyAfterTheThreshold() {
		withChannel().withPropertyValues("triple.client.health.failure-threshold=1s").run((context) -> {
			TripleHealthContributor triple = context.getBean(TripleHealthContributor.class);
			ManagedChannel channel = context.getBean(TripleChannels.class).get("echo");
			EchoServiceGrpc.newBlockingStub(channel).echo(EchoRequest.newBuilder().setText("x").build());
			assertThat(channel(triple).getStatus()).isEqualTo(Status.UP);
			assertThat(channel(triple).getDetails()).containsEntry("state", io.grpc.ConnectivityState.READY);
			this.server.shutdownNow();
			this.server.awaitTermination(5, TimeUnit.SECONDS);
			awaitTransientFailure(channel);
			Health failing = channel(triple);
			assertThat(failing.getDetails()).containsEntry("state", io.grpc.ConnectivityState.TRANSIENT_FAILURE);
			await().untilAsserted(() -> assertThat(channel(triple).getStatus()).isEqualTo(Status.DOWN));
			assertThat(triple.server().health(true).getStatus()).as("the server's own health").isEqualTo(Status.UP);
		});
	}

	@Test
	void failingChannelIsUpWithinTheDefaultThreshold() {
		withChannel().run((context) -> {
			TripleHealthContributor triple = context.getBean(TripleHealthContributor.class);
			ManagedChannel channel = context.getBean(TripleChannels.class).get("echo");
			this.server.shutdownNow();
			this.server.awaitTermination(5, TimeUnit.SECONDS);
			awaitTransientFailure(channel);
			Health failing = channel(triple);
			assertThat(failing.getStatus()).isEqualTo(Status.UP);
			assertThat(failing.getDetails()).containsEntry("state", io.grpc.ConnectivityState.TRANSIENT_FAILURE)
				.containsKey("failingFor");
		});
	}

	/** Calls until the channel, trying to reach the server that went away, is in TRANSIENT_FAILURE. */
	private static void awaitTransientFailure(ManagedChannel channel) {
		await().atMost(java.time.Duration.ofSeconds(30)).until(() -> {
			assertThatThrownBy(() -> EchoServiceGrpc.newBlockingStub(channel)
				.withDeadlineAfter(java.time.Duration.ofSeconds(5))
				.echo(EchoRequest.newBuilder().setText("x").build())).isInstanceOf(StatusRuntimeException.class);
			return channel.getState(false) == io.grpc.ConnectivityState.TRANSIENT_FAILURE;
		});
	}

	private static Health channel(TripleHealthContributor triple) {
		org.springframework.boot.health.contributor.CompositeHealthContributor channels = (org.springframework.boot.health.contributor.CompositeHealthContributor) triple
			.getContributor("channels");
		return ((HealthIndicator) channels.getContributor("echo")).health(true);
	}

}
