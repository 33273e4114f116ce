package dev.triplestream.sample;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import dev.triplestream.client.BidiStream;
import dev.triplestream.sample.chat.v1.ChatMessage;
import dev.triplestream.sample.chat.v1.Tick;
import dev.triplestream.sample.chat.v1.TickRequest;
import dev.triplestream.test.autoconfigure.AutoConfigureTripleInProcess;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The testing recipe of the README, on the sample: {@code @AutoConfigureTripleInProcess} points the
 * sample's channels at its own server over the in-process transport, and fails a test that leaves
 * a stream open.
 */
@SpringBootTest(properties = "sample.demo.enabled=false")
@AutoConfigureTripleInProcess
class ChatServiceInProcessTest {

	@Autowired
	private ChatClient chatClient;

	@Test
	void chatEchoesThenSaysByeOnHalfClose() {
		List<String> replies = new ArrayList<>();
		try (BidiStream<ChatMessage, ChatMessage> chat = this.chatClient.chat()) {
			chat.send(ChatMessage.newBuilder().setSeq(1).setText("hi").build());
			chat.send(ChatMessage.newBuilder().setSeq(2).setText("there").build());
			chat.closeSend();
			for (ChatMessage reply : chat) {
				replies.add(reply.getSeq() + ":" + reply.getText());
			}
			assertThat(chat.status().isOk()).isTrue();
		}
		assertThat(replies).containsExactly("1:echo: hi", "2:echo: there", "2:bye");
	}

	@Test
	void ticksUntilTheClientCancels() {
		try (BidiStream<TickRequest, Tick> ticks = this.chatClient.ticks()) {
			ticks.send(TickRequest.newBuilder().setIntervalMs(20).build());
			assertThat(ticks.receive().getSeq()).isEqualTo(1);
			assertThat(ticks.receive().getSeq()).isEqualTo(2);
			// Ticks never ends by itself: cancel rather than make close() wait out the close-timeout.
			ticks.cancel("enough ticks");
		}
	}

}
