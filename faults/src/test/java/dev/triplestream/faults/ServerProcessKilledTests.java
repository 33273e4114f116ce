package dev.triplestream.faults;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.context.ConfigurableApplicationContext;

import dev.triplestream.client.BidiStream;
import dev.triplestream.sample.ChatClient;
import dev.triplestream.sample.chat.v1.ChatMessage;
import dev.triplestream.sample.chat.v1.Tick;
import dev.triplestream.sample.chat.v1.TickRequest;
import dev.triplestream.stream.EndReason;
import dev.triplestream.stream.StreamRegistry;
import dev.triplestream.stream.StreamSide;
import dev.triplestream.stream.TrackedStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * The server's process is killed ({@code kill -9}) while streams are open: one receiving ticks, one
 * blocked in {@code receive()} with nothing coming. Both must wake with UNAVAILABLE, end reason
 * {@code peer-gone}, within the channel's keepalive bound; none may hang.
 */
class ServerProcessKilledTests {

	/** grpc-java clients never ping more often than every 10 seconds. */
	private static final Duration KEEPALIVE_TIME = Duration.ofSeconds(10);

	private static final Duration KEEPALIVE_TIMEOUT = Duration.ofSeconds(1);

	/** Room for a loaded machine on top of the keepalive bound. */
	private static final Duration MARGIN = Duration.ofSeconds(20);

	@Test
	@Timeout(value = 240, unit = TimeUnit.SECONDS)
	void streamsOnAKilledServerEndUnavailableAsPeerGoneWithinTheKeepaliveBound() throws Exception {
		SampleServerProcess server = SampleServerProcess.start("killed-server", "--triple.server.permit-keepalive-time=1s");
		try (ConfigurableApplicationContext client = FaultClientApplication.start(
				"triple.client.channels.chat.target=127.0.0.1:" + server.port(),
				"triple.client.channels.chat.keepalive.time=" + KEEPALIVE_TIME.toSeconds() + "s",
				"triple.client.channels.chat.keepalive.timeout=" + KEEPALIVE_TIMEOUT.toSeconds() + "s")) {
			ChatClient chat = client.getBean(ChatClient.class);
			StreamRegistry registry = client.getBean(StreamRegistry.class);

			BidiStream<TickRequest, Tick> ticks = chat.ticks();
			ticks.send(TickRequest.newBuilder().setIntervalMs(100).build());
			for (int i = 0; i < 3; i++) {
				assertThat(ticks.receive()).isNotNull();
			}
			BidiStream<ChatMessage, ChatMessage> silent = chat.chat();
			silent.send(ChatMessage.newBuilder().setSeq(1).setText("hello").build());
			assertThat(silent.receive().getText()).isEqualTo("echo: hello");
			List<TrackedStream> tracked = registry.streams(StreamSide.CLIENT);
			assertThat(tracked).hasSize(2);

			// a receive() blocked with nothing on its way, as a loop waiting for the server would be
			CompletableFuture<ChatMessage> blocked = CompletableFuture.supplyAsync(silent::receive);
			await().atMost(Duration.ofSeconds(10)).until(() -> !blocked.isDone() && registry.count(StreamSide.CLIENT) == 2);

			long killed = System.nanoTime();
			server.killForcibly();

			StatusRuntimeException tickEnd = catchThrowableOfType(StatusRuntimeException.class, () -> {
				while (ticks.receive() != null) {
					// ticks sent before the kill may still be buffered
				}
			});
			ExecutionException blockedEnd = catchThrowableOfType(ExecutionException.class,
					() -> blocked.get(KEEPALIVE_TIME.plus(KEEPALIVE_TIMEOUT).plus(MARGIN).toSeconds(), TimeUnit.SECONDS));
			Duration took = Duration.ofNanos(System.nanoTime() - killed);
			System.out.printf("[faults] kill -9: both streams ended in %d ms: %s / %s%n", took.toMillis(),
					tickEnd.getStatus(), ((StatusRuntimeException) blockedEnd.getCause()).getStatus());

			assertThat(tickEnd.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
			assertThat(blockedEnd).hasCauseInstanceOf(StatusRuntimeException.class);
			assertThat(((StatusRuntimeException) blockedEnd.getCause()).getStatus().getCode())
				.isEqualTo(Status.Code.UNAVAILABLE);
			assertThat(took).isLessThan(KEEPALIVE_TIME.plus(KEEPALIVE_TIMEOUT).plus(MARGIN));
			assertThat(tracked).extracting(TrackedStream::endReason).containsOnly(EndReason.PEER_GONE);
			assertThat(registry.awaitEmpty(StreamSide.CLIENT, Duration.ofSeconds(10))).isTrue();
			ticks.close();
			silent.close();
		}
		finally {
			server.stop();
		}
	}

}
