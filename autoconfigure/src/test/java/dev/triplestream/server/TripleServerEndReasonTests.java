package dev.triplestream.server;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.triplestream.autoconfigure.StreamRegistryAutoConfiguration;
import dev.triplestream.autoconfigure.TripleServerAutoConfiguration;
import dev.triplestream.stream.EndReason;
import dev.triplestream.stream.StreamRegistry;
import dev.triplestream.stream.StreamSide;
import dev.triplestream.stream.TrackedStream;
import dev.triplestream.test.v1.EchoRequest;
import dev.triplestream.test.v1.EchoServiceGrpc;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How each server call's end is recorded, as the registry's listeners see it: one reason and the
 * real status per call, whoever ended it. Real clients over loopback and in-process.
 */
class TripleServerEndReasonTests {

	private final String inProcessName = "end-reason-tests-" + UUID.randomUUID();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(StreamRegistryAutoConfiguration.class, SslAutoConfiguration.class,
				TripleServerAutoConfiguration.class))
		.withPropertyValues("triple.server.port=0", "triple.server.address=127.0.0.1",
				"triple.server.in-process-name=" + this.inProcessName, "triple.server.shutdown.grace-period=200ms");

	private final List<ManagedChannel> channels = new CopyOnWriteArrayList<>();

	@AfterEach
	void closeChannels() {
		this.channels.forEach(ManagedChannel::shutdownNow);
	}

	@Test
	void clientCancelIsCancelledByTheApplication() {
		this.runner.withUserConfiguration(LifecycleServiceConfiguration.class).run((context) -> {
			StreamRegistry registry = context.getBean(StreamRegistry.class);
			RecordedEnds ends = RecordedEnds.of(registry);
			LifecycleTestService service = context.getBean(LifecycleTestService.class);
			int port = context.getBean(TripleServer.class).getPort();

			// A call with a deadline far away: cancelled before it, not by it.
			ChatCall overNetwork = new ChatCall(
					EchoServiceGrpc.newStub(loopback(port)).withDeadlineAfter(Duration.ofSeconds(30)));
			overNetwork.send(1, "cancelled over the network");
			overNetwork.next();
			overNetwork.cancel();
			RecordedEnds.End end = ends.awaitEnd(1);
			assertThat(end.reason()).isEqualTo(EndReason.CANCELLED_BY_APPLICATION);
			assertThat(end.status().getCode()).isEqualTo(Status.Code.CANCELLED);
			assertThat(end.status().getDescription()).isEqualTo(CallEndTracer.CLIENT_CANCEL_DESCRIPTION);
			assertThat(service.call("cancelled over the network").wasCancelled()).isTrue();

			ChatCall inProcess = new ChatCall(inProcess());
			inProcess.send(1, "cancelled in-process");
			inProcess.next();
			inProcess.cancel();
			end = ends.awaitEnd(2);
			assertThat(end.reason()).isEqualTo(EndReason.CANCELLED_BY_APPLICATION);
			assertThat(end.status().getCode()).isEqualTo(Status.Code.CANCELLED);
			assertThat(service.call("cancelled in-process").wasCancelled()).isTrue();
			assertThat(registry.count(StreamSide.SERVER)).isZero();
			assertThat(ends.ends()).hasSize(2);
		});
	}

	@Test
	void deadlineIsDeadline() {
		this.runner.withUserConfiguration(LifecycleServiceConfiguration.class).run((context) -> {
			StreamRegistry registry = context.getBean(StreamRegistry.class);
			RecordedEnds ends = RecordedEnds.of(registry);
			LifecycleTestService service = context.getBean(LifecycleTestService.class);
			List<ManagedChannel> transports = List.of(loopback(context.getBean(TripleServer.class).getPort()),
					inProcess());
			for (int i = 0; i < transports.size(); i++) {
				String name = "deadline-" + i;
				// Connected and warmed up first, so that the deadline only has the call to cover.
				ChatCall warmUp = new ChatCall(transports.get(i));
				warmUp.send(1, "warm-up-" + i);
				warmUp.next();
				warmUp.halfClose();
				assertThat(warmUp.awaitStatus().getCode()).isEqualTo(Status.Code.OK);
				ChatCall call = new ChatCall(
						EchoServiceGrpc.newStub(transports.get(i)).withDeadlineAfter(Duration.ofSeconds(2)));
				call.send(1, name);
				assertThat(call.next().getText()).isEqualTo("echo: " + name);
				assertThat(call.awaitStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
				// Each warm-up call ended first.
				RecordedEnds.End end = ends.awaitEnd(2 * i + 2);
				assertThat(end.reason()).as("end reason over %s", transports.get(i)).isEqualTo(EndReason.DEADLINE);
				// The server's own deadline or the client's reset at its deadline, whichever came first.
				assertThat(end.status().getCode()).isIn(Status.Code.DEADLINE_EXCEEDED, Status.Code.CANCELLED);
				assertThat(end.stream().deadlineRemaining())
					.isLessThan(Duration.ofNanos(CallEndTracer.DEADLINE_SLACK_NANOS));
				assertThat(service.call(name).wasCancelled()).isTrue();
			}
			assertThat(registry.count(StreamSide.SERVER)).isZero();
		});
	}

	@Test
	void handlerThrowingInStartCallFailsOnlyItsCall() {
		this.runner.withUserConfiguration(FailingServiceConfiguration.class).run((context) -> {
			StreamRegistry registry = context.getBean(StreamRegistry.class);
			RecordedEnds ends = RecordedEnds.of(registry);
			ManagedChannel channel = loopback(context.getBean(TripleServer.class).getPort());
			ChatCall survivor = new ChatCall(channel);
			survivor.send(1, "before");
			assertThat(survivor.next().getText()).isEqualTo("echo: before");

			RecordedResponses failing = new RecordedResponses();
			StreamObserver<EchoRequest> requests = EchoServiceGrpc.newStub(channel).collect(failing);
			requests.onNext(EchoRequest.newBuilder().setText("never collected").build());
			assertThat(failing.awaitStatus().getCode()).isEqualTo(Status.Code.UNKNOWN);

			RecordedEnds.End end = ends.awaitEnd(1);
			assertThat(end.stream().fullMethodName()).isEqualTo(EchoServiceGrpc.getCollectMethod().getFullMethodName());
			assertThat(end.reason()).isEqualTo(EndReason.FAILED);
			assertThat(end.status().getCode()).isEqualTo(Status.Code.UNKNOWN);
			assertThat(end.status().getCause()).hasMessage("handler bug in startCall on purpose");
			assertSurvives(survivor, registry, ends);
		});
	}

	@Test
	void handlerThrowingInOnMessageFailsOnlyItsCall() {
		this.runner.withUserConfiguration(FailingServiceConfiguration.class).run((context) -> {
			StreamRegistry registry = context.getBean(StreamRegistry.class);
			RecordedEnds ends = RecordedEnds.of(registry);
			ManagedChannel channel = loopback(context.getBean(TripleServer.class).getPort());
			ChatCall survivor = new ChatCall(channel);
			survivor.send(1, "before");
			assertThat(survivor.next().getText()).isEqualTo("echo: before");

			ChatCall failing = new ChatCall(channel);
			failing.send(1, "fine");
			assertThat(failing.next().getText()).isEqualTo("echo: fine");
			failing.send(2, FailingTestService.FAIL);
			Status seen = failing.awaitStatus();
			assertThat(seen.getCode()).isEqualTo(Status.Code.UNKNOWN);

			RecordedEnds.End end = ends.awaitEnd(1);
			assertThat(end.reason()).isEqualTo(EndReason.FAILED);
			assertThat(end.status().getCode()).isEqualTo(Status.Code.UNKNOWN);
			assertThat(end.status().getDescription()).isEqualTo(seen.getDescription())
				.isEqualTo(TrackedServerCall.APPLICATION_ERROR);
			assertThat(end.status().getCause()).hasMessage("handler bug in onMessage on purpose");
			assertThat(end.stream().messagesReceived()).isEqualTo(2);
			assertSurvives(survivor, registry, ends);
		});
	}

	/** The survivor's call goes on, then completes; the registry is left empty. */
	private static void assertSurvives(ChatCall survivor, StreamRegistry registry, RecordedEnds ends)
			throws Exception {
		assertThat(registry.streams(StreamSide.SERVER)).hasSize(1);
		survivor.send(2, "after");
		assertThat(survivor.next().getText()).isEqualTo("echo: after");
		survivor.halfClose();
		assertThat(survivor.awaitStatus().getCode()).isEqualTo(Status.Code.OK);
		RecordedEnds.End end = ends.awaitEnd(2);
		assertThat(end.reason()).isEqualTo(EndReason.COMPLETED);
		assertThat(end.status().isOk()).isTrue();
		assertThat(registry.count(StreamSide.SERVER)).isZero();
	}

	@Test
	void registryListenerThatThrowsBreaksNeitherCallsNorTheDrain() {
		this.runner.withUserConfiguration(LifecycleServiceConfiguration.class)
			.withPropertyValues("triple.server.shutdown.grace-period=30s")
			.run((context) -> {
				StreamRegistry registry = context.getBean(StreamRegistry.class);
				registry.addListener(new StreamRegistry.Listener() {

					@Override
					public void opened(TrackedStream stream) {
						throw new IllegalStateException("listener bug on purpose");
					}

					@Override
					public void closed(TrackedStream stream) {
						throw new IllegalStateException("listener bug on purpose");
					}

				});
				RecordedEnds ends = RecordedEnds.of(registry);
				ManagedChannel channel = loopback(context.getBean(TripleServer.class).getPort());
				ChatCall completing = new ChatCall(channel);
				completing.send(1, "completes");
				assertThat(completing.next().getText()).isEqualTo("echo: completes");
				ChatCall drained = new ChatCall(channel);
				drained.send(1, LifecycleTestService.COMPLETE_ON_DRAIN);
				assertThat(drained.next().getText()).isEqualTo("echo: " + LifecycleTestService.COMPLETE_ON_DRAIN);
				assertThat(registry.count(StreamSide.SERVER)).isEqualTo(2);

				completing.halfClose();
				assertThat(completing.awaitStatus().getCode()).isEqualTo(Status.Code.OK);
				assertThat(ends.awaitEnd(1).reason()).isEqualTo(EndReason.COMPLETED);
				assertThat(registry.count(StreamSide.SERVER)).isOne();

				long started = System.nanoTime();
				CompletableFuture.runAsync(context::close).get(20, TimeUnit.SECONDS);
				long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
				assertThat(drained.next().getText()).isEqualTo("drained: " + LifecycleTestService.COMPLETE_ON_DRAIN);
				assertThat(drained.awaitStatus().getCode()).isEqualTo(Status.Code.OK);
				assertThat(ends.awaitEnd(2).reason()).isEqualTo(EndReason.SHUTDOWN_DRAINED);
				assertThat(tookMillis).isLessThan(10_000);
				assertThat(ends.openedCount()).isEqualTo(2);
				assertThat(registry.streams()).isEmpty();
			});
	}

	private ManagedChannel loopback(int port) {
		ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
		this.channels.add(channel);
		return channel;
	}

	private ManagedChannel inProcess() {
		ManagedChannel channel = InProcessChannelBuilder.forName(this.inProcessName).build();
		this.channels.add(channel);
		return channel;
	}

	@Configuration(proxyBeanMethods = false)
	static class LifecycleServiceConfiguration {

		@Bean
		LifecycleTestService lifecycleService() {
			return new LifecycleTestService();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class FailingServiceConfiguration {

		@Bean
		FailingTestService failingService() {
			return new FailingTestService();
		}

	}

}
