package dev.triplestream.server;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;

import dev.triplestream.autoconfigure.StreamRegistryAutoConfiguration;
import dev.triplestream.autoconfigure.TripleServerAutoConfiguration;
import dev.triplestream.stream.EndReason;
import dev.triplestream.stream.StreamRegistry;
import dev.triplestream.stream.StreamSide;
import dev.triplestream.stream.TrackedStream;
import dev.triplestream.test.v1.EchoRequest;
import dev.triplestream.test.v1.EchoResponse;
import dev.triplestream.test.v1.EchoServiceGrpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.awaitility.Awaitility.await;

class TripleServerTests {

	private final String inProcessName = "server-tests-" + UUID.randomUUID();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(StreamRegistryAutoConfiguration.class, SslAutoConfiguration.class,
				TripleServerAutoConfiguration.class))
		.withUserConfiguration(ScanForEchoService.class)
		.withPropertyValues("triple.server.port=0", "triple.server.in-process-name=" + this.inProcessName);

	private final List<ManagedChannel> channels = new CopyOnWriteArrayList<>();

	@AfterEach
	void closeChannels() {
		this.channels.forEach(ManagedChannel::shutdownNow);
	}

	@Test
	void servesScannedBidiServiceOverLoopbackAndInProcess() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(EchoTestService.class);
			TripleServer server = context.getBean(TripleServer.class);
			assertThat(server.isRunning()).isTrue();
			assertThat(context.getEnvironment().getProperty(TripleServer.LOCAL_PORT_PROPERTY, Integer.class))
				.isEqualTo(server.getPort())
				.isPositive();
			chatThreeAndHalfClose(loopback(server.getPort()));
			chatThreeAndHalfClose(inProcess());
			StreamRegistry registry = context.getBean(StreamRegistry.class);
			await().atMost(Duration.ofSeconds(10)).until(() -> registry.count(StreamSide.SERVER) == 0);
		});
	}

	private static void chatThreeAndHalfClose(ManagedChannel channel) throws Exception {
		ChatCall call = new ChatCall(channel);
		for (int seq = 1; seq <= 3; seq++) {
			call.send(seq, "m" + seq);
		}
		call.halfClose();
		for (int seq = 1; seq <= 3; seq++) {
			EchoResponse response = call.next();
			assertThat(response.getText()).isEqualTo("echo: m" + seq);
			assertThat(response.getSeq()).isEqualTo(seq);
		}
		assertThat(call.awaitStatus().getCode()).isEqualTo(Status.Code.OK);
	}

	@Test
	void tracksEachCallUntilItEnds() {
		this.runner.run((context) -> {
			EchoTestService service = context.getBean(EchoTestService.class);
			service.completeOnHalfClose = false;
			StreamRegistry registry = context.getBean(StreamRegistry.class);
			ChatCall call = new ChatCall(loopback(context.getBean(TripleServer.class).getPort()));
			call.send(1, "a");
			call.send(2, "b");
			assertThat(call.next().getSeq()).isEqualTo(1);
			assertThat(call.next().getSeq()).isEqualTo(2);

			assertThat(registry.streams(StreamSide.SERVER)).hasSize(1);
			TrackedStream stream = registry.streams(StreamSide.SERVER).get(0);
			assertThat(stream.side()).isEqualTo(StreamSide.SERVER);
			assertThat(stream.origin()).isEqualTo("triplestream.test.v1.EchoService");
			assertThat(stream.fullMethodName()).isEqualTo("triplestream.test.v1.EchoService/Chat");
			assertThat(stream.type()).isEqualTo(MethodType.BIDI_STREAMING);
			assertThat(stream.peer()).contains("127.0.0.1");
			assertThat(stream.startedAt()).isNotNull();
			assertThat(stream.messagesReceived()).isEqualTo(2);
			assertThat(stream.messagesSent()).isEqualTo(2);
			assertThat(stream.isHalfClosed()).isFalse();

			call.halfClose();
			await().atMost(Duration.ofSeconds(10)).until(stream::isHalfClosed);
			// This handler registered no drain action: the notice changes nothing.
			stream.giveDrainNotice();
			assertThat(stream.isDrainNoticeGiven()).isTrue();
			assertThat(call.isDone()).isFalse();
			assertThat(stream.endReason()).isNull();

			assertThat(stream.end(EndReason.CANCELLED_BY_OPERATOR, Status.ABORTED.withDescription("ended by the test")))
				.isTrue();
			Status status = call.awaitStatus();
			assertThat(status.getCode()).isEqualTo(Status.Code.ABORTED);
			assertThat(status.getDescription()).isEqualTo("ended by the test");
			assertThat(registry.count(StreamSide.SERVER)).isZero();
			assertThat(stream.endReason()).isEqualTo(EndReason.CANCELLED_BY_OPERATOR);
			assertThat(stream.status().getCode()).isEqualTo(Status.Code.ABORTED);
			// The handler is told its call was cancelled, and what it still does to the call is harmless.
			assertThat(service.chatCancelled.await(10, TimeUnit.SECONDS)).isTrue();
			ServerCallStreamObserver<EchoResponse> responses = service.chatResponses.get(0);
			assertThat(responses.isCancelled()).isTrue();
			assertThatNoException().isThrownBy(() -> {
				responses.onNext(EchoResponse.newBuilder().setText("too late").build());
				responses.onCompleted();
			});
			// A second end is a no-op.
			assertThat(stream.end(EndReason.FAILED, Status.INTERNAL)).isFalse();
			assertThat(stream.endReason()).isEqualTo(EndReason.CANCELLED_BY_OPERATOR);
			assertThat(stream.status().getCode()).isEqualTo(Status.Code.ABORTED);
		});
	}

	@Test
	void stopsTrackingCallsTheClientCancels() {
		this.runner.run((context) -> {
			EchoTestService service = context.getBean(EchoTestService.class);
			StreamRegistry registry = context.getBean(StreamRegistry.class);
			ChatCall call = new ChatCall(inProcess());
			call.send(1, "a");
			call.next();
			assertThat(registry.count(StreamSide.SERVER)).isEqualTo(1);
			call.cancel();
			assertThat(call.awaitStatus().getCode()).isEqualTo(Status.Code.CANCELLED);
			assertThat(service.chatCancelled.await(10, TimeUnit.SECONDS)).isTrue();
			await().atMost(Duration.ofSeconds(10)).until(() -> registry.count(StreamSide.SERVER) == 0);
		});
	}

	@Test
	void handlerFailureEndsOnlyItsCallAndIsUntracked() {
		this.runner.run((context) -> {
			StreamRegistry registry = context.getBean(StreamRegistry.class);
			ManagedChannel channel = loopback(context.getBean(TripleServer.class).getPort());
			ChatCall survivor = new ChatCall(channel);
			survivor.send(1, "before");
			assertThat(survivor.next().getText()).isEqualTo("echo: before");

			assertThatExceptionOfType(StatusRuntimeException.class)
				.isThrownBy(() -> EchoServiceGrpc.newBlockingStub(channel)
					.withDeadlineAfter(Duration.ofSeconds(10))
					.echo(EchoRequest.newBuilder().setText("fail").build()))
				.satisfies((ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.UNKNOWN));
			await().atMost(Duration.ofSeconds(10)).until(() -> registry.count(StreamSide.SERVER) == 1);

			survivor.send(2, "after");
			assertThat(survivor.next().getText()).isEqualTo("echo: after");
			survivor.halfClose();
			assertThat(survivor.awaitStatus().getCode()).isEqualTo(Status.Code.OK);
			await().atMost(Duration.ofSeconds(10)).until(() -> registry.count(StreamSide.SERVER) == 0);
		});
	}

	@Test
	void holdsTheJvmUpWhileServing() {
		this.runner.run((context) -> {
			assertThat(awaitThreads()).isNotEmpty().noneMatch(Thread::isDaemon);
			context.close();
			await().atMost(Duration.ofSeconds(10)).until(() -> awaitThreads().isEmpty());
		});
	}

	private static List<Thread> awaitThreads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> thread.getName().equals("triple-server-await") && thread.isAlive())
			.toList();
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

	/** Finds EchoTestService the way an application finds its services: by scanning for components. */
	@Configuration(proxyBeanMethods = false)
	@ComponentScan(basePackageClasses = EchoTestService.class, resourcePattern = "EchoTestService.class")
	static class ScanForEchoService {

	}

}
