package dev.triplestream.client;

import java.time.Duration;
import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

import dev.triplestream.stream.StreamSide;
import dev.triplestream.test.v1.EchoRequest;
import dev.triplestream.test.v1.EchoResponse;
import dev.triplestream.test.v1.EchoServiceGrpc;

import static dev.triplestream.client.ChatClient.request;
import static dev.triplestream.client.ChatClient.response;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A {@link BidiStream} dropped without {@code close()} is cancelled and reported once its handle is
 * garbage-collected.
 */
@Timeout(60)
class LeakDetectionTests {

	private static final org.slf4j.Logger logger = LoggerFactory.getLogger(LeakDetectionTests.class);

	private final ServerProbe probe = new ServerProbe();

	private final ListAppender<ILoggingEvent> leakLog = new ListAppender<>();

	private final Logger leakLogger = (Logger) LoggerFactory.getLogger(LeakDetector.class);

	private ClientFixture fixture;

	@BeforeEach
	void captureLeakReports() {
		this.leakLog.start();
		this.leakLogger.addAppender(this.leakLog);
	}

	@AfterEach
	void tearDown() throws InterruptedException {
		this.leakLogger.detachAppender(this.leakLog);
		if (this.fixture != null) {
			this.fixture.close();
		}
	}

	@Test
	void anAbandonedStreamIsCancelledAndReportedWithItsOpeningMethod() {
		String report = abandonAndAwaitReport(LeakDetection.SIMPLE);

		assertThat(report).contains("LEAK: client stream #1 triplestream.test.v1.EchoService/Chat on channel 'chat'")
			.contains("Opened by ChatClient.chat()")
			.contains("set triple.client.leak-detection=paranoid to see the opening stack")
			.doesNotContain("stream opened here")
			.doesNotContain(LeakDetectionTests.class.getName());
	}

	@Test
	void paranoidLeakDetectionReportsTheOpeningStack() {
		String report = abandonAndAwaitReport(LeakDetection.PARANOID);

		assertThat(report).contains("Opened by ChatClient.chat()")
			.contains("stream opened here")
			.contains(LeakDetectionTests.class.getName() + ".openAndAbandon(")
			.doesNotContain("set triple.client.leak-detection=paranoid");
	}

	@Test
	void aClosedStreamIsNotReported() {
		this.fixture = ClientFixture.inProcess().service(new AnsweringChat()).leakDetection(LeakDetection.PARANOID).start();
		openAndClose(this.fixture.client(ChatClient.class));
		// The stream ended normally: its handle's collection must not be reported. Collect until a
		// stream abandoned afterwards is reported, which proves the collector ran past the first.
		openAndAbandon(this.fixture.client(ChatClient.class));
		awaitCancellationThroughGc();
		assertThat(this.leakLog.list).hasSize(1);
		assertThat(this.leakLog.list.get(0).getFormattedMessage()).contains("client stream #2");
	}

	private String abandonAndAwaitReport(LeakDetection detection) {
		this.fixture = ClientFixture.inProcess().service(new AnsweringChat()).leakDetection(detection).start();
		openAndAbandon(this.fixture.client(ChatClient.class));
		int collections = awaitCancellationThroughGc();

		List<ILoggingEvent> reports = this.leakLog.list;
		assertThat(reports).hasSize(1);
		ILoggingEvent event = reports.get(0);
		logger.info("{} leak detection: reported after {} System.gc() calls:\n{}", detection, collections,
				event.getFormattedMessage());
		assertThat(event.getLevel()).isEqualTo(Level.WARN);
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(this.fixture.registry().count(StreamSide.CLIENT)).isZero());
		return event.getFormattedMessage();
	}

	private int awaitCancellationThroughGc() {
		int[] collections = new int[1];
		await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
			System.gc();
			collections[0]++;
			assertThat(this.probe.cancellations).hasValue(1);
		});
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(this.leakLog.list).isNotEmpty());
		return collections[0];
	}

	/** Opens a stream, talks on it, and drops it: the handle is unreachable once this returns. */
	private static void openAndAbandon(ChatClient client) {
		BidiStream<EchoRequest, EchoResponse> stream = client.chat();
		stream.send(request("hello"));
		assertThat(stream.receive().getText()).isEqualTo("hello");
	}

	private static void openAndClose(ChatClient client) {
		try (BidiStream<EchoRequest, EchoResponse> stream = client.chat()) {
			stream.send(request("hello"));
			assertThat(stream.receive().getText()).isEqualTo("hello");
		}
	}

	/** Echoes, completes on half-close, and counts cancellations. */
	private final class AnsweringChat extends EchoServiceGrpc.EchoServiceImplBase {

		@Override
		public StreamObserver<EchoRequest> chat(StreamObserver<EchoResponse> responses) {
			LeakDetectionTests.this.probe.watchCancel(responses);
			return new BidiStreamLifecycleTests.ServerObserver() {

				@Override
				public void onNext(EchoRequest request) {
					responses.onNext(response(request.getText()));
				}

				@Override
				public void onCompleted() {
					responses.onCompleted();
				}

			};
		}

	}

}
