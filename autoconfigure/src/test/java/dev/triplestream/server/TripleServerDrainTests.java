package dev.triplestream.server;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.triplestream.autoconfigure.StreamRegistryAutoConfiguration;
import dev.triplestream.autoconfigure.TripleServerAutoConfiguration;
import dev.triplestream.stream.StreamRegistry;
import dev.triplestream.stream.StreamSide;
import dev.triplestream.test.v1.EchoRequest;
import dev.triplestream.test.v1.EchoResponse;
import dev.triplestream.test.v1.EchoServiceGrpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.awaitility.Awaitility.await;

/**
 * The server's graceful drain, driven by closing the application context as an application's
 * shutdown does, with real clients over loopback.
 */
@ExtendWith(OutputCaptureExtension.class)
class TripleServerDrainTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(StreamRegistryAutoConfiguration.class, SslAutoConfiguration.class,
				TripleServerAutoConfiguration.class))
		.withUserConfiguration(EchoServiceConfiguration.class)
		.withPropertyValues("triple.server.port=0", "triple.server.address=127.0.0.1",
				"triple.server.in-process-name=drain-tests-" + UUID.randomUUID());

	private final List<ManagedChannel> channels = new CopyOnWriteArrayList<>();

	@AfterEach
	void closeChannels() {
		this.channels.forEach(ManagedChannel::shutdownNow);
	}

	@Test
	void callInFlightCompletesWhenItEndsWithinTheGracePeriod(CapturedOutput output) {
		Duration grace = Duration.ofSeconds(20);
		this.runner.withPropertyValues("triple.server.shutdown.grace-period=" + grace.toSeconds() + "s")
			.run((context) -> {
				StreamRegistry registry = context.getBean(StreamRegistry.class);
				ManagedChannel channel = loopback(context.getBean(TripleServer.class).getPort());
				ChatCall call = new ChatCall(channel);
				call.send(1, "before shutdown");
				assertThat(call.next().getText()).isEqualTo("echo: before shutdown");
				assertThat(echo(channel)).isTrue();

				long started = System.nanoTime();
				CompletableFuture<Long> closed = CompletableFuture.supplyAsync(() -> {
					context.close();
					return System.nanoTime();
				});
				// Shutdown has begun once the server refuses new calls.
				await().atMost(Duration.ofSeconds(10)).until(() -> !echo(channel));
				assertThat(closed).isNotDone();

				// The call in flight goes on as usual, and ends OK.
				call.send(2, "during drain");
				EchoResponse response = call.next();
				assertThat(response.getText()).isEqualTo("echo: during drain");
				assertThat(response.getSeq()).isEqualTo(2);
				call.halfClose();
				assertThat(call.awaitStatus().getCode()).isEqualTo(Status.Code.OK);

				long tookMillis = TimeUnit.NANOSECONDS.toMillis(closed.get(30, TimeUnit.SECONDS) - started);
				System.out.println("Drain with the call ending inside a grace period of " + grace.toMillis()
						+ " ms took " + tookMillis + " ms");
				// It waited for the call, not for the grace period.
				assertThat(tookMillis).isLessThan(grace.toMillis() / 2);
				assertThat(registry.count(StreamSide.SERVER)).isZero();
			});
		// The call (and any probe that started before the GOAWAY) ended by itself after the notice.
		assertThat(output).containsPattern("Triple server drain: \\d+ stream\\(s\\) in \\d+ ms \\(\\d+ shutdown-drained\\)")
			.contains("call(s) drained, 0 ended (grace period 20000 ms)");
	}

	@Test
	void callStillOpenAfterTheGracePeriodIsEndedWithUnavailable(CapturedOutput output) {
		Duration grace = Duration.ofSeconds(1);
		this.runner.withPropertyValues("triple.server.shutdown.grace-period=" + grace.toMillis() + "ms")
			.run((context) -> {
				StreamRegistry registry = context.getBean(StreamRegistry.class);
				EchoTestService service = context.getBean(EchoTestService.class);
				ChatCall call = new ChatCall(loopback(context.getBean(TripleServer.class).getPort()));
				call.send(1, "never finished");
				assertThat(call.next().getText()).isEqualTo("echo: never finished");

				long started = System.nanoTime();
				context.close();
				long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
				System.out.println("Drain with the call outliving a grace period of " + grace.toMillis() + " ms took "
						+ tookMillis + " ms");

				Status status = call.awaitStatus();
				assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
				assertThat(status.getDescription()).isEqualTo(TripleServer.SHUTDOWN_DESCRIPTION);
				assertThat(tookMillis).isGreaterThanOrEqualTo(grace.toMillis())
					.isLessThan(grace.toMillis() + 10_000);
				assertThat(registry.count(StreamSide.SERVER)).isZero();
				assertThat(registry.streams()).isEmpty();
				// The handler is told, and its late operations on the call are harmless.
				assertThat(service.chatCancelled.await(10, TimeUnit.SECONDS)).isTrue();
				ServerCallStreamObserver<EchoResponse> responses = service.chatResponses.get(0);
				assertThatNoException().isThrownBy(() -> {
					responses.onNext(EchoResponse.newBuilder().setText("after shutdown").build());
					responses.onCompleted();
				});
			});
		assertThat(output).containsPattern("Triple server drain: 1 stream\\(s\\) in \\d+ ms \\(1 shutdown-cancelled\\)")
			.contains("0 call(s) drained, 1 ended (grace period 1000 ms)");
	}

	@Test
	void idleConnectionsDoNotDelayShutdown() {
		Duration grace = Duration.ofSeconds(30);
		this.runner.run((context) -> {
			StreamRegistry registry = context.getBean(StreamRegistry.class);
			ManagedChannel channel = loopback(context.getBean(TripleServer.class).getPort());
			assertThat(echo(channel)).isTrue();
			long started = System.nanoTime();
			context.close();
			long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
			System.out.println("Drain with an idle connection and no call took " + tookMillis + " ms");
			assertThat(tookMillis).isLessThan(grace.toMillis() / 3);
			assertThat(registry.count(StreamSide.SERVER)).isZero();
		});
	}

	private ManagedChannel loopback(int port) {
		ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
		this.channels.add(channel);
		return channel;
	}

	/** Whether a new unary call succeeds. */
	private static boolean echo(ManagedChannel channel) {
		try {
			EchoServiceGrpc.newBlockingStub(channel)
				.withDeadlineAfter(Duration.ofSeconds(5))
				.echo(EchoRequest.newBuilder().setText("probe").build());
			return true;
		}
		catch (StatusRuntimeException ex) {
			return false;
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class EchoServiceConfiguration {

		@Bean
		EchoTestService echoService() {
			return new EchoTestService();
		}

	}

}
