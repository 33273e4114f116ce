package dev.triplestream.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationListener;
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
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * The drain notice: handlers told that the server's shutdown began, driven by closing the
 * application context, with real clients over loopback.
 */
@ExtendWith(OutputCaptureExtension.class)
class TripleServerDrainNoticeTests {

	private final String inProcessName = "drain-notice-tests-" + UUID.randomUUID();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(StreamRegistryAutoConfiguration.class, SslAutoConfiguration.class,
				TripleServerAutoConfiguration.class))
		.withUserConfiguration(LifecycleServiceConfiguration.class)
		.withPropertyValues("triple.server.port=0", "triple.server.address=127.0.0.1",
				"triple.server.in-process-name=" + this.inProcessName);

	private final List<ManagedChannel> channels = new CopyOnWriteArrayList<>();

	@AfterEach
	void closeChannels() {
		this.channels.forEach(ManagedChannel::shutdownNow);
	}

	@Test
	void shutdownWithHandlersThatCompleteOnTheNoticeTakesFarLessThanTheGracePeriod(CapturedOutput output) {
		int streams = 100;
		Duration grace = Duration.ofSeconds(30);
		this.runner.withPropertyValues("triple.server.shutdown.grace-period=" + grace.toSeconds() + "s")
			.run((context) -> {
				StreamRegistry registry = context.getBean(StreamRegistry.class);
				LifecycleTestService service = context.getBean(LifecycleTestService.class);
				DrainingEvents events = context.getBean(DrainingEvents.class);
				TripleServer server = context.getBean(TripleServer.class);
				ManagedChannel channel = loopback(server.getPort());
				List<ChatCall> calls = new ArrayList<>();
				for (int i = 0; i < streams; i++) {
					ChatCall call = new ChatCall(channel);
					call.send(i, LifecycleTestService.COMPLETE_ON_DRAIN + "-" + i);
					calls.add(call);
				}
				for (int i = 0; i < streams; i++) {
					assertThat(calls.get(i).next().getText()).isEqualTo("echo: " + LifecycleTestService.COMPLETE_ON_DRAIN + "-" + i);
				}
				assertThat(registry.count(StreamSide.SERVER)).isEqualTo(streams);
				assertThat(service.call(LifecycleTestService.COMPLETE_ON_DRAIN + "-0").context.isDraining()).isFalse();

				long started = System.nanoTime();
				context.close();
				long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
				System.out.println("Shutdown with " + streams + " open streams whose handlers complete on the drain "
						+ "notice took " + tookMillis + " ms (grace period " + grace.toMillis() + " ms)");

				for (int i = 0; i < streams; i++) {
					ChatCall call = calls.get(i);
					EchoResponse last = call.next();
					assertThat(last.getText()).isEqualTo("drained: " + LifecycleTestService.COMPLETE_ON_DRAIN + "-" + i);
					assertThat(call.awaitStatus().getCode()).isEqualTo(Status.Code.OK);
					LifecycleTestService.ServedCall served = service.call(LifecycleTestService.COMPLETE_ON_DRAIN + "-" + i);
					assertThat(served.context.isDraining()).isTrue();
					assertThat(served.cancelled.getCount()).as("cancellation callbacks").isOne();
				}
				assertThat(tookMillis).isLessThan(grace.toMillis() / 3);
				assertThat(registry.count(StreamSide.SERVER)).isZero();
				assertThat(events.received).hasSize(1);
				DrainingEvent event = events.received.get(0);
				assertThat(event.getServer()).isSameAs(server);
				assertThat(event.getOpenCalls()).isEqualTo(streams);
				assertThat(event.getGracePeriod()).isEqualTo(grace);
			});
		assertThat(output)
			.containsPattern("Triple server drain: " + streams + " stream\\(s\\) in \\d+ ms \\(" + streams + " shutdown-drained\\)")
			.contains(streams + " call(s) drained, 0 ended (grace period 30000 ms)");
	}

	@Test
	void handlersThatIgnoreTheNoticeAreEndedWithUnavailableAtTheGracePeriod(CapturedOutput output) {
		Duration grace = Duration.ofSeconds(1);
		this.runner.withPropertyValues("triple.server.shutdown.grace-period=" + grace.toMillis() + "ms")
			.run((context) -> {
				StreamRegistry registry = context.getBean(StreamRegistry.class);
				LifecycleTestService service = context.getBean(LifecycleTestService.class);
				ManagedChannel channel = loopback(context.getBean(TripleServer.class).getPort());
				ChatCall ignoring = new ChatCall(channel);
				ignoring.send(1, "ignores-the-notice");
				ChatCall completing = new ChatCall(channel);
				completing.send(1, LifecycleTestService.COMPLETE_ON_DRAIN);
				assertThat(ignoring.next().getText()).isEqualTo("echo: ignores-the-notice");
				assertThat(completing.next().getText()).isEqualTo("echo: " + LifecycleTestService.COMPLETE_ON_DRAIN);

				long started = System.nanoTime();
				context.close();
				long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
				System.out.println("Shutdown with a stream whose handler ignores the drain notice took " + tookMillis
						+ " ms (grace period " + grace.toMillis() + " ms)");

				assertThat(completing.next().getText()).isEqualTo("drained: " + LifecycleTestService.COMPLETE_ON_DRAIN);
				assertThat(completing.awaitStatus().getCode()).isEqualTo(Status.Code.OK);
				Status status = ignoring.awaitStatus();
				assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
				assertThat(status.getDescription()).isEqualTo(TripleServer.SHUTDOWN_DESCRIPTION);
				assertThat(tookMillis).isGreaterThanOrEqualTo(grace.toMillis()).isLessThan(grace.toMillis() + 10_000);
				LifecycleTestService.ServedCall served = service.call("ignores-the-notice");
				assertThat(served.wasNoticed()).as("drain notice").isTrue();
				assertThat(served.wasCancelled()).as("cancellation callback").isTrue();
				assertThat(registry.count(StreamSide.SERVER)).isZero();
			});
		assertThat(output)
			.containsPattern("Triple server drain: 2 stream\\(s\\) in \\d+ ms \\(1 shutdown-drained, 1 shutdown-cancelled\\)")
			.contains("1 call(s) drained, 1 ended (grace period 1000 ms)");
	}

	@Test
	void callsOnTheInProcessTransportHaveTheNoticeToo() {
		this.runner.run((context) -> {
			ManagedChannel channel = InProcessChannelBuilder.forName(this.inProcessName).directExecutor().build();
			this.channels.add(channel);
			RepeatCall call = new RepeatCall(channel, LifecycleTestService.COMPLETE_ON_DRAIN + "-in-process");
			assertThat(call.next().getText()).isEqualTo("started: " + LifecycleTestService.COMPLETE_ON_DRAIN + "-in-process");
			context.close();
			assertThat(call.next().getText()).isEqualTo("drained: " + LifecycleTestService.COMPLETE_ON_DRAIN + "-in-process");
			assertThat(call.awaitStatus().getCode()).isEqualTo(Status.Code.OK);
		});
	}

	@Test
	void handlersReachTheirCallsContextInUnaryCallsToo() {
		this.runner.run((context) -> {
			ManagedChannel channel = loopback(context.getBean(TripleServer.class).getPort());
			EchoResponse response = EchoServiceGrpc.newBlockingStub(channel)
				.withDeadlineAfter(Duration.ofSeconds(10))
				.echo(EchoRequest.newBuilder().setText("which method?").build());
			assertThat(response.getText()).isEqualTo(EchoServiceGrpc.getEchoMethod().getFullMethodName());
		});
	}

	@Test
	void contextOutsideAServerCallIsAClearError() {
		assertThatIllegalStateException().isThrownBy(ServerStreamContext::current)
			.withMessageContaining("No Triple server call on this thread");
	}

	@Test
	void drainingEventListenerThatFailsDoesNotStopTheDrain(CapturedOutput output) {
		this.runner.withUserConfiguration(FailingListenerConfiguration.class).run((context) -> {
			StreamRegistry registry = context.getBean(StreamRegistry.class);
			ChatCall call = new ChatCall(loopback(context.getBean(TripleServer.class).getPort()));
			call.send(1, LifecycleTestService.COMPLETE_ON_DRAIN);
			call.next();
			CompletableFuture<Void> closed = CompletableFuture.runAsync(context::close);
			assertThat(call.next().getText()).isEqualTo("drained: " + LifecycleTestService.COMPLETE_ON_DRAIN);
			assertThat(call.awaitStatus().getCode()).isEqualTo(Status.Code.OK);
			closed.get(30, TimeUnit.SECONDS);
			assertThat(registry.count(StreamSide.SERVER)).isZero();
		});
		assertThat(output).contains("A listener of the Triple server's DrainingEvent failed; draining anyway")
			.contains("listener bug on purpose")
			.containsPattern("Triple server drain: 1 stream\\(s\\) in \\d+ ms \\(1 shutdown-drained\\)")
			.contains("1 call(s) drained, 0 ended");
	}

	private ManagedChannel loopback(int port) {
		ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
		this.channels.add(channel);
		return channel;
	}

	/** Every {@link DrainingEvent} published. */
	static class DrainingEvents implements ApplicationListener<DrainingEvent> {

		final List<DrainingEvent> received = new CopyOnWriteArrayList<>();

		@Override
		public void onApplicationEvent(DrainingEvent event) {
			this.received.add(event);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class LifecycleServiceConfiguration {

		@Bean
		LifecycleTestService lifecycleService() {
			return new LifecycleTestService();
		}

		@Bean
		DrainingEvents drainingEvents() {
			return new DrainingEvents();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class FailingListenerConfiguration {

		@Bean
		ApplicationListener<DrainingEvent> failingListener() {
			return (event) -> {
				throw new IllegalStateException("listener bug on purpose");
			};
		}

	}

}
