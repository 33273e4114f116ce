package dev.triplestream.faults;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;

import org.springframework.context.ConfigurableApplicationContext;

import dev.triplestream.client.BidiStream;
import dev.triplestream.sample.ChatClient;
import dev.triplestream.sample.chat.v1.ChatMessage;
import dev.triplestream.stream.StreamRegistry;
import dev.triplestream.stream.StreamSide;
import dev.triplestream.stream.TrackedStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client sends 10,000 chat messages and half-closes while the server begins its graceful
 * shutdown. Every message sent before the half-close must be processed (10,000 echoes, a
 * {@code bye} counting 10,000, OK), or the client must get an error status: never a silent loss.
 * Both sides count.
 */
class HalfCloseDuringShutdownTests {

	private static final int MESSAGES = 10_000;

	@ParameterizedTest(name = "shutdown begins after {0} messages")
	@ValueSource(ints = { 5_000, MESSAGES })
	@Timeout(value = 180, unit = TimeUnit.SECONDS)
	void everyMessageSentBeforeTheHalfCloseIsProcessedOrTheClientGetsAnError(int shutdownAfter) throws Exception {
		SampleServer server = SampleServer.start("--triple.server.shutdown.grace-period=20s");
		AtomicLong serverReceived = new AtomicLong(-1);
		server.registry().addListener(new StreamRegistry.Listener() {

			@Override
			public void opened(TrackedStream stream) {
			}

			@Override
			public void closed(TrackedStream stream) {
				if (stream.side() == StreamSide.SERVER) {
					serverReceived.set(stream.messagesReceived());
				}
			}

		});
		try (ConfigurableApplicationContext client = FaultClientApplication
			.start("triple.client.channels.chat.target=127.0.0.1:" + server.port())) {
			BidiStream<ChatMessage, ChatMessage> chat = client.getBean(ChatClient.class).chat();
			CountDownLatch shutdownPoint = new CountDownLatch(1);
			AtomicReference<StatusRuntimeException> sendFailure = new AtomicReference<>();
			CompletableFuture<Long> sender = CompletableFuture.supplyAsync(() -> {
				long sent = 0;
				try {
					for (int seq = 1; seq <= MESSAGES; seq++) {
						chat.send(ChatMessage.newBuilder().setSeq(seq).setText("m").build());
						sent++;
						if (seq == shutdownAfter) {
							shutdownPoint.countDown();
						}
					}
					chat.closeSend();
				}
				catch (StatusRuntimeException ex) {
					sendFailure.set(ex);
				}
				shutdownPoint.countDown();
				return sent;
			});
			CompletableFuture<Void> shutdown = CompletableFuture.runAsync(() -> {
				try {
					shutdownPoint.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				server.close();
			});

			long echoes = 0;
			ChatMessage bye = null;
			Status status;
			try {
				ChatMessage message;
				while ((message = chat.receive()) != null) {
					if (message.getText().equals("bye")) {
						bye = message;
					}
					else {
						assertThat(message.getSeq()).isEqualTo(echoes + 1);
						echoes++;
					}
				}
				status = Status.OK;
			}
			catch (StatusRuntimeException ex) {
				status = ex.getStatus();
			}
			long sent = sender.get(60, TimeUnit.SECONDS);
			shutdown.get(60, TimeUnit.SECONDS);
			System.out.printf("[faults] shutdown after %d: client sent %d, got %d echoes, bye %s, status %s;"
					+ " server received %d%n", shutdownAfter, sent, echoes, (bye != null) ? bye.getSeq() : "none", status,
					serverReceived.get());

			if (status.isOk()) {
				assertThat(sent).isEqualTo(MESSAGES);
				assertThat(echoes).isEqualTo(MESSAGES);
				assertThat(bye).isNotNull();
				assertThat(bye.getSeq()).as("messages the handler counted").isEqualTo(MESSAGES);
				assertThat(serverReceived.get()).as("messages the server's registry counted").isEqualTo(MESSAGES);
			}
			else {
				// a loss is allowed only when it is reported
				assertThat(echoes).isLessThanOrEqualTo(sent);
				assertThat(serverReceived.get()).isLessThanOrEqualTo(sent);
			}
			assertThat(client.getBean(StreamRegistry.class).awaitEmpty(StreamSide.CLIENT, Duration.ofSeconds(10))).isTrue();
			chat.close();
		}
		finally {
			server.close();
		}
	}

}
