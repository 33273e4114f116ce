package dev.triplestream.test.autoconfigure;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;

import dev.triplestream.client.BidiStream;
import dev.triplestream.slicetest.v1.EchoRequest;
import dev.triplestream.slicetest.v1.EchoResponse;
import dev.triplestream.slicetest.v1.EchoServiceGrpc;
import dev.triplestream.stream.StreamRegistry;
import dev.triplestream.stream.StreamSide;
import dev.triplestream.stream.TrackedStream;
import dev.triplestream.test.autoconfigure.app.EchoClient;
import dev.triplestream.test.autoconfigure.app.SliceTestApplication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * The leak check of {@link AutoConfigureTripleInProcess}: each scenario below is a real
 * {@code @SpringBootTest} class, run on the JUnit Platform through the engine test kit, whose
 * outcome is checked here. The scenarios are static nested classes, which neither Surefire nor
 * Jupiter runs on its own.
 */
class LeakedStreamsTests {

	private static final Logger logger = LoggerFactory.getLogger(LeakedStreamsTests.class);

	private static final String CHAT = "triplestream.slicetest.v1.EchoService/Chat";

	/** The stream a scenario left open, for the checks made after it ran. */
	static final AtomicReference<BidiStream<EchoRequest, EchoResponse>> leftOpen = new AtomicReference<>();

	/** How the untracked client of {@link ServerStreamLeakScenario} saw its call end. */
	static final AtomicReference<Throwable> rawClientError = new AtomicReference<>();

	@BeforeEach
	void reset() {
		leftOpen.set(null);
		rawClientError.set(null);
	}

	@Test
	void aNestedTestThatLeavesAClientStreamOpenFailsListingBothEndsAndTheTestsLine() {
		long started = System.nanoTime();
		EngineExecutionResults results = run(LeakyScenario.class);
		logger.info("Leaky scenario ran in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
		results.testEvents().assertStatistics((stats) -> stats.started(1).succeeded(0).failed(1));
		Throwable failure = failure(results);
		logger.info("Leak report:\n{}", failure.getMessage());
		assertThat(failure).isInstanceOf(AssertionError.class);
		assertThat(failure.getMessage())
			.startsWith("Test LeakedStreamsTests.LeakyScenario.WhenAStreamIsLeftOpen.leavesAChatOpen() left 2 Triple "
					+ "stream(s) open. They have been cancelled")
			.contains("client stream #")
			.contains(CHAT + " (BIDI_STREAMING) on channel 'echo' to in-process:"
					+ TripleInProcessContextCustomizer.NAME_PREFIX)
			.contains("1 message(s) sent, 1 received")
			.contains("opened by EchoClient.chat() called at " + LeakedStreamsTests.class.getName()
					+ ".openChat(LeakedStreamsTests.java:")
			.contains("\n          at " + LeakyScenario.WhenAStreamIsLeftOpen.class.getName()
					+ ".leavesAChatOpen(LeakedStreamsTests.java:")
			.contains("server stream #")
			.contains(CHAT + " (BIDI_STREAMING) of service 'triplestream.slicetest.v1.EchoService'")
			.contains("opened by a client of this server");
		BidiStream<EchoRequest, EchoResponse> stream = leftOpen.get();
		assertThat(stream.isDone()).isTrue();
		assertThat(stream.status().getCode()).isEqualTo(Status.Code.CANCELLED);
		assertThat(stream.status().getDescription()).contains("left open by test "
				+ "LeakedStreamsTests.LeakyScenario.WhenAStreamIsLeftOpen.leavesAChatOpen()");
	}

	@Test
	void aTestThatClosesItsStreamsPasses() {
		EngineExecutionResults results = run(CleanScenario.class);
		results.testEvents().assertStatistics((stats) -> stats.started(2).succeeded(2).failed(0));
	}

	@Test
	void aServerStreamLeftOpenByAClientTheStarterDoesNotTrackIsReportedAndEnded() {
		EngineExecutionResults results = run(ServerStreamLeakScenario.class);
		results.testEvents().assertStatistics((stats) -> stats.started(1).succeeded(0).failed(1));
		String report = failure(results).getMessage();
		logger.info("Leak report:\n{}", report);
		assertThat(report).contains("left 1 Triple stream(s) open")
			.contains("server stream #")
			.contains(CHAT + " (BIDI_STREAMING) of service 'triplestream.slicetest.v1.EchoService'")
			.doesNotContain("client stream #");
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(rawClientError.get()).isNotNull());
		Status status = Status.fromThrowable(rawClientError.get());
		assertThat(status.getCode()).isEqualTo(Status.Code.CANCELLED);
		assertThat(status.getDescription()).contains(
				"left open by test LeakedStreamsTests.ServerStreamLeakScenario.leavesAChatOpenThroughAChannelOfItsOwn()");
	}

	@Test
	void streamsAlreadyOpenWhenTheTestStartedAreNotTheTests() {
		EngineExecutionResults results = run(BackgroundStreamScenario.class);
		results.testEvents().assertStatistics((stats) -> stats.started(1).succeeded(1).failed(0));
	}

	@Test
	void withFailOnLeakedStreamsOffALeakedStreamIsLeftOpenAndTheTestPasses() {
		EngineExecutionResults results = run(LenientScenario.class);
		results.testEvents().assertStatistics((stats) -> stats.started(1).succeeded(1).failed(0));
		BidiStream<EchoRequest, EchoResponse> stream = leftOpen.get();
		assertThat(stream.isDone()).isFalse();
		stream.closeSend();
		assertThat(stream.receive()).isNull();
		assertThat(stream.status().isOk()).isTrue();
		stream.close();
	}

	@Test
	void aLeakIsReportedBeforeDirtiesContextClosesTheContextAndDrainsIt() {
		EngineExecutionResults results = run(DirtiesContextScenario.class);
		results.testEvents().assertStatistics((stats) -> stats.started(1).succeeded(0).failed(1));
		assertThat(failure(results).getMessage()).contains("DirtiesContextScenario.leavesAChatOpen() left 2 Triple");
		assertThat(leftOpen.get().status().getDescription()).contains("left open by test");
	}

	private static EngineExecutionResults run(Class<?> scenario) {
		return EngineTestKit.engine("junit-jupiter").selectors(selectClass(scenario)).execute();
	}

	private static Throwable failure(EngineExecutionResults results) {
		return results.testEvents()
			.failed()
			.stream()
			.findFirst()
			.orElseThrow()
			.getRequiredPayload(TestExecutionResult.class)
			.getThrowable()
			.orElseThrow();
	}

	private static BidiStream<EchoRequest, EchoResponse> openChat(EchoClient client) {
		BidiStream<EchoRequest, EchoResponse> chat = client.chat();
		chat.send(EchoRequest.newBuilder().setText("hello").build());
		assertThat(chat.receive().getText()).isEqualTo("echo: hello");
		return chat;
	}

	@SpringBootTest(classes = SliceTestApplication.class)
	@AutoConfigureTripleInProcess
	static class LeakyScenario {

		@Nested
		class WhenAStreamIsLeftOpen {

			@Autowired
			EchoClient client;

			@Test
			void leavesAChatOpen() {
				leftOpen.set(openChat(this.client));
			}

		}

	}

	@SpringBootTest(classes = SliceTestApplication.class)
	@AutoConfigureTripleInProcess
	static class CleanScenario {

		@Autowired
		EchoClient client;

		@Test
		void closesItsChat() {
			try (BidiStream<EchoRequest, EchoResponse> chat = openChat(this.client)) {
				chat.send(EchoRequest.newBuilder().setText("again").build());
				assertThat(chat.receive().getText()).isEqualTo("echo: again");
			}
		}

		@Test
		void makesAUnaryCall() {
			assertThat(this.client.echo(EchoRequest.newBuilder().setText("once").build()).getText()).isEqualTo("once");
		}

	}

	@SpringBootTest(classes = SliceTestApplication.class)
	@AutoConfigureTripleInProcess
	static class ServerStreamLeakScenario {

		private static ManagedChannel channel;

		@Value("${triple.server.in-process-name}")
		String inProcessName;

		@AfterAll
		static void closeChannel() throws InterruptedException {
			if (channel != null) {
				channel.shutdownNow();
				channel.awaitTermination(5, TimeUnit.SECONDS);
			}
		}

		@Test
		void leavesAChatOpenThroughAChannelOfItsOwn() throws InterruptedException {
			channel = InProcessChannelBuilder.forName(this.inProcessName).build();
			CountDownLatch answered = new CountDownLatch(1);
			StreamObserver<EchoRequest> requests = EchoServiceGrpc.newStub(channel).chat(new StreamObserver<>() {

				@Override
				public void onNext(EchoResponse response) {
					answered.countDown();
				}

				@Override
				public void onError(Throwable error) {
					rawClientError.set(error);
				}

				@Override
				public void onCompleted() {
				}

			});
			requests.onNext(EchoRequest.newBuilder().setText("hello").build());
			assertThat(answered.await(10, TimeUnit.SECONDS)).isTrue();
		}

	}

	@SpringBootTest(classes = SliceTestApplication.class)
	@AutoConfigureTripleInProcess
	@Import(BackgroundChat.class)
	static class BackgroundStreamScenario {

		@Autowired
		EchoClient client;

		@Autowired
		StreamRegistry registry;

		@Test
		void makesAUnaryCallWhileTheApplicationKeepsAChatOpen() {
			assertThat(this.registry.streams(StreamSide.CLIENT)).extracting(TrackedStream::fullMethodName)
				.containsExactly(CHAT);
			assertThat(this.client.echo(EchoRequest.newBuilder().setText("once").build()).getText()).isEqualTo("once");
		}

	}

	/** An application component that keeps a chat open while the application runs. */
	static class BackgroundChat implements SmartLifecycle {

		private final EchoClient client;

		private volatile BidiStream<EchoRequest, EchoResponse> chat;

		BackgroundChat(EchoClient client) {
			this.client = client;
		}

		@Override
		public void start() {
			this.chat = openChat(this.client);
		}

		@Override
		public void stop() {
			this.chat.close();
			this.chat = null;
		}

		@Override
		public boolean isRunning() {
			return this.chat != null;
		}

	}

	@SpringBootTest(classes = SliceTestApplication.class)
	@AutoConfigureTripleInProcess(failOnLeakedStreams = false)
	static class LenientScenario {

		@Autowired
		EchoClient client;

		@Test
		void leavesAChatOpen() {
			leftOpen.set(openChat(this.client));
		}

	}

	@SpringBootTest(classes = SliceTestApplication.class)
	@AutoConfigureTripleInProcess
	@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_EACH_TEST_METHOD)
	static class DirtiesContextScenario {

		@Autowired
		EchoClient client;

		@Test
		void leavesAChatOpen() {
			leftOpen.set(openChat(this.client));
		}

	}

}
