package dev.triplestream.faults;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
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
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A network that freezes under an open stream: a {@link FreezingProxy} between client and server
 * stops delivering bytes without closing anything. Nothing but keepalive (or an idle timeout) can
 * tell the stream is dead; both sides must notice, and both registries must forget the call.
 */
class FrozenNetworkTests {

	/** The least grpc-java clients accept. */
	private static final Duration CLIENT_KEEPALIVE = Duration.ofSeconds(10);

	private static final Duration MARGIN = Duration.ofSeconds(20);

	private SampleServer server;

	private FreezingProxy proxy;

	@BeforeEach
	void startServerBehindProxy() throws Exception {
		this.server = SampleServer.start("--triple.server.keepalive.time=1s", "--triple.server.keepalive.timeout=1s",
				"--triple.server.permit-keepalive-time=1s");
		this.proxy = new FreezingProxy(this.server.port());
	}

	@AfterEach
	void stop() throws Exception {
		this.proxy.close();
		this.server.close();
	}

	@Test
	@Timeout(value = 180, unit = TimeUnit.SECONDS)
	void keepaliveEndsTheStreamOnBothSidesWhenTheNetworkFreezes() throws Exception {
		try (ConfigurableApplicationContext client = client()) {
			StreamRegistry registry = client.getBean(StreamRegistry.class);
			BidiStream<ChatMessage, ChatMessage> chat = openChat(client);
			TrackedStream clientSide = registry.streams(StreamSide.CLIENT).get(0);
			List<TrackedStream> serverSide = this.server.registry().streams(StreamSide.SERVER);
			assertThat(serverSide).hasSize(1);

			long frozen = System.nanoTime();
			this.proxy.freeze();
			StatusRuntimeException ended = catchThrowableOfType(StatusRuntimeException.class, chat::receive);
			Duration took = Duration.ofNanos(System.nanoTime() - frozen);
			boolean serverForgot = this.server.registry().awaitRemoved(serverSide, MARGIN);
			System.out.printf("[faults] frozen network: client ended in %d ms with %s (%s); server side: %s%n",
					took.toMillis(), ended.getStatus(), clientSide.endReason(), serverSide.get(0).endReason());

			assertThat(ended.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
			assertThat(clientSide.endReason()).isEqualTo(EndReason.PEER_GONE);
			assertThat(took).isLessThan(CLIENT_KEEPALIVE.plusSeconds(1).plus(MARGIN));
			// the server's own keepalive (1s + 1s) found the client gone and cancelled its call
			assertThat(serverForgot).isTrue();
			assertThat(serverSide.get(0).endReason()).isEqualTo(EndReason.PEER_GONE);
			assertThat(this.server.openStreams()).isZero();
			assertThat(registry.awaitEmpty(StreamSide.CLIENT, Duration.ofSeconds(10))).isTrue();
			chat.close();
		}
	}

	@Test
	@Timeout(value = 180, unit = TimeUnit.SECONDS)
	void aShorterIdleTimeoutEndsTheStreamBeforeKeepaliveDoes() throws Exception {
		try (ConfigurableApplicationContext client = client("triple.client.channels.chat.idle-timeout=2s")) {
			StreamRegistry registry = client.getBean(StreamRegistry.class);
			BidiStream<ChatMessage, ChatMessage> chat = openChat(client);
			TrackedStream clientSide = registry.streams(StreamSide.CLIENT).get(0);
			List<TrackedStream> serverSide = this.server.registry().streams(StreamSide.SERVER);

			this.proxy.freeze();
			StatusRuntimeException ended = catchThrowableOfType(StatusRuntimeException.class, chat::receive);
			System.out.printf("[faults] frozen network, idle-timeout 2s: client ended with %s (%s)%n", ended.getStatus(),
					clientSide.endReason());

			assertThat(ended.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
			assertThat(ended.getStatus().getDescription()).contains("triple.client.channels.chat.idle-timeout");
			assertThat(clientSide.endReason()).isEqualTo(EndReason.IDLE_TIMEOUT);
			// the client's RST_STREAM never arrives: the server's keepalive ends its side
			assertThat(this.server.registry().awaitRemoved(serverSide, MARGIN)).isTrue();
			assertThat(registry.awaitEmpty(StreamSide.CLIENT, Duration.ofSeconds(10))).isTrue();
			chat.close();
		}
	}

	private ConfigurableApplicationContext client(String... more) {
		String[] properties = { "triple.client.channels.chat.target=127.0.0.1:" + this.proxy.port(),
				"triple.client.channels.chat.keepalive.time=" + CLIENT_KEEPALIVE.toSeconds() + "s",
				"triple.client.channels.chat.keepalive.timeout=1s" };
		String[] all = new String[properties.length + more.length];
		System.arraycopy(properties, 0, all, 0, properties.length);
		System.arraycopy(more, 0, all, properties.length, more.length);
		return FaultClientApplication.start(all);
	}

	private static BidiStream<ChatMessage, ChatMessage> openChat(ConfigurableApplicationContext client) {
		BidiStream<ChatMessage, ChatMessage> chat = client.getBean(ChatClient.class).chat();
		chat.send(ChatMessage.newBuilder().setSeq(1).setText("before the freeze").build());
		assertThat(chat.receive().getText()).isEqualTo("echo: before the freeze");
		return chat;
	}

}
