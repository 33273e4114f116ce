package dev.triplestream.faults;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import org.springframework.context.ConfigurableApplicationContext;

import dev.triplestream.client.BidiStream;
import dev.triplestream.sample.ChatClient;
import dev.triplestream.sample.chat.v1.ChatMessage;
import dev.triplestream.stream.EndReason;
import dev.triplestream.stream.StreamRegistry;
import dev.triplestream.stream.StreamSide;
import dev.triplestream.stream.TrackedStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Bytes no gRPC client sends, written to the sample server's port over plain sockets, while a
 * well-behaved client keeps a chat stream open on its own connection: the offending connection is
 * closed or its streams refused, and the server and the other stream carry on.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class BadBytesTests {

	private static final String CHAT_PATH = "/triplestream.sample.chat.v1.ChatService/Chat";

	private static final Duration CLOSE_WITHIN = Duration.ofSeconds(30);

	private SampleServer server;

	private ConfigurableApplicationContext client;

	private BidiStream<ChatMessage, ChatMessage> healthy;

	private long healthySeq;

	@BeforeAll
	void startServerAndAHealthyStream() throws Exception {
		// the sample's own limits: at most 1000 streams at once
		this.server = SampleServer.start();
		this.client = FaultClientApplication.start("triple.client.channels.chat.target=127.0.0.1:" + this.server.port());
		this.healthy = chat().chat();
		assertHealthyStreamEchoes();
	}

	@AfterEach
	void serverAndTheOtherStreamCarryOn() {
		assertHealthyStreamEchoes();
		try (BidiStream<ChatMessage, ChatMessage> fresh = chat().chat()) {
			fresh.send(ChatMessage.newBuilder().setSeq(1).setText("new").build());
			fresh.closeSend();
			assertThat(fresh.receive().getText()).isEqualTo("echo: new");
			assertThat(fresh.receive().getText()).isEqualTo("bye");
			assertThat(fresh.receive()).isNull();
		}
		await().atMost(Duration.ofSeconds(30)).until(() -> this.server.openStreams() == 1);
	}

	@AfterAll
	void stop() {
		this.healthy.close();
		this.client.close();
		this.server.close();
	}

	@Test
	void garbageBytesCloseTheirConnection() throws Exception {
		byte[] garbage = new byte[64 * 1024];
		new Random(42).nextBytes(garbage);
		try (RawConnection connection = new RawConnection(this.server.port())) {
			connection.write(garbage);
			assertThat(connection.awaitClosedByServer(CLOSE_WITHIN)).isTrue();
		}
	}

	@Test
	void aTruncatedPrefaceClosesItsConnection() throws Exception {
		try (RawConnection connection = new RawConnection(this.server.port())) {
			connection.write(Arrays.copyOf(RawConnection.PREFACE, 10));
			connection.shutdownOutput();
			assertThat(connection.awaitClosedByServer(CLOSE_WITHIN)).isTrue();
		}
	}

	@Test
	void aPrefaceFollowedByGarbageClosesItsConnection() throws Exception {
		try (RawConnection connection = new RawConnection(this.server.port())) {
			connection.write(Arrays.copyOf(RawConnection.PREFACE, 10));
			connection.write("this is not HTTP/2\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
			assertThat(connection.awaitClosedByServer(CLOSE_WITHIN)).isTrue();
		}
	}

	@Test
	void anHttp11RequestClosesItsConnection() throws Exception {
		try (RawConnection connection = new RawConnection(this.server.port())) {
			connection.write("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n"
				.getBytes(StandardCharsets.US_ASCII));
			assertThat(connection.awaitClosedByServer(CLOSE_WITHIN)).isTrue();
		}
	}

	@Test
	void tenThousandStreamsNeverReadThenResetAreRefusedOverTheLimitAndForgotten() throws Exception {
		StreamRegistry registry = this.server.registry();
		FloodCount count = new FloodCount(registry.count(StreamSide.SERVER));
		registry.addListener(count);
		JvmFigures before = JvmFigures.now();
		try (RawConnection flood = new RawConnection(this.server.port())) {
			flood.startHttp2();
			for (int i = 0; i < 10_000; i++) {
				flood.openStream(1 + 2 * i, CHAT_PATH);
			}
			flood.flush();
			// this client never reads: whatever the server answers stays in its buffers
			await("the server saw every stream").atMost(Duration.ofSeconds(120)).until(() -> count.opened.get() >= 10_000);
			JvmFigures flooded = JvmFigures.now();
			assertHealthyStreamEchoes();

			for (int i = 0; i < 10_000; i++) {
				flood.resetStream(1 + 2 * i);
			}
			flood.flush();
			await("the resets ended every flood stream").atMost(Duration.ofSeconds(120))
				.until(() -> this.server.openStreams() == 1);
			JvmFigures reset = JvmFigures.now();
			System.out.printf("[faults] 10,000 streams on one connection: %d opened, peak %d registered at once, "
					+ "%d refused, %d cancelled by the resets%n", count.opened.get(), count.peak.get(), count.refused.get(),
					count.cancelled.get());
			System.out.printf("[faults] server JVM before: %s%n[faults] flooded:       %s%n[faults] after resets:  %s%n",
					before, flooded, reset);
			System.out.printf("[faults] heap held by the flood: %.1f MB; after the resets: %.1f MB%n",
					JvmFigures.mb(flooded.heapAfterGc() - before.heapAfterGc()),
					JvmFigures.mb(reset.heapAfterGc() - before.heapAfterGc()));

			// the sample's max-concurrent (1000, the healthy stream included) caps what the flood holds;
			// a refused stream is registered and ended at once, so the peak may pass the limit briefly
			assertThat(count.opened.get()).isEqualTo(10_000);
			assertThat(count.opened.get() - count.refused.get()).as("flood streams accepted").isEqualTo(999);
			assertThat(count.cancelled.get()).isEqualTo(999);
			assertThat(flooded.heapAfterGc() - before.heapAfterGc()).as("heap held by 10,000 streams")
				.isLessThan(64L * 1024 * 1024);
		}
		finally {
			registry.removeListener(count);
		}
	}

	private ChatClient chat() {
		return this.client.getBean(ChatClient.class);
	}

	private void assertHealthyStreamEchoes() {
		long seq = ++this.healthySeq;
		this.healthy.send(ChatMessage.newBuilder().setSeq(seq).setText("still here").build());
		ChatMessage echo = this.healthy.receive();
		assertThat(echo.getSeq()).isEqualTo(seq);
		assertThat(echo.getText()).isEqualTo("echo: still here");
	}

	/** Counts the server streams opened after it was added, and how they ended. */
	private static final class FloodCount implements StreamRegistry.Listener {

		final AtomicInteger opened = new AtomicInteger();

		final AtomicInteger open;

		final AtomicInteger peak = new AtomicInteger();

		final AtomicInteger refused = new AtomicInteger();

		final AtomicInteger cancelled = new AtomicInteger();

		FloodCount(int alreadyOpen) {
			this.open = new AtomicInteger(alreadyOpen);
		}

		@Override
		public void opened(TrackedStream stream) {
			if (stream.side() == StreamSide.SERVER) {
				this.opened.incrementAndGet();
				this.peak.accumulateAndGet(this.open.incrementAndGet(), Math::max);
			}
		}

		@Override
		public void closed(TrackedStream stream) {
			if (stream.side() == StreamSide.SERVER) {
				this.open.decrementAndGet();
				if (stream.endReason() == EndReason.REFUSED) {
					this.refused.incrementAndGet();
				}
				else if (stream.endReason() == EndReason.CANCELLED_BY_APPLICATION) {
					this.cancelled.incrementAndGet();
				}
			}
		}

	}

}
