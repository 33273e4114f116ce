package dev.triplestream.sample;

import io.grpc.StatusRuntimeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.stereotype.Component;

import dev.triplestream.client.BidiStream;
import dev.triplestream.sample.chat.v1.ChatMessage;
import dev.triplestream.sample.chat.v1.Tick;
import dev.triplestream.sample.chat.v1.TickRequest;

/**
 * The demo: talks to the application's own server through the {@code chat} and {@code ticker}
 * channels, showing half-close, a stream deadline, and the drain of a stream still open at
 * shutdown. Off with {@code sample.demo.enabled=false}; {@code sample.demo.exit=true} closes the
 * application when the demo is done, so the drain shows without Ctrl-C.
 */
@Component
@ConditionalOnBooleanProperty(name = "sample.demo.enabled", matchIfMissing = true)
class DemoRunner implements ApplicationRunner {

	private static final Logger logger = LoggerFactory.getLogger(DemoRunner.class);

	private final ChatClient chatClient;

	private final TickerClient tickerClient;

	private final SampleDemoProperties properties;

	private final ConfigurableApplicationContext context;

	DemoRunner(ChatClient chatClient, TickerClient tickerClient, SampleDemoProperties properties,
			ConfigurableApplicationContext context) {
		this.chatClient = chatClient;
		this.tickerClient = tickerClient;
		this.properties = properties;
		this.context = context;
	}

	@Override
	public void run(ApplicationArguments args) throws Exception {
		chat();
		ticksUntilDeadline();
		tickStreamLeftOpen();
		if (this.properties.isExit()) {
			logger.info("[demo] sample.demo.exit=true: closing the application context to show the drain");
			this.context.close();
		}
		else {
			logger.info("[demo] a Ticks stream stays open; press Ctrl-C to watch the shutdown drain end it");
		}
	}

	private void chat() {
		try (BidiStream<ChatMessage, ChatMessage> chat = this.chatClient.chat()) {
			for (int seq = 1; seq <= 3; seq++) {
				chat.send(ChatMessage.newBuilder().setSeq(seq).setText("hello " + seq).build());
			}
			chat.closeSend();
			for (ChatMessage reply : chat) {
				logger.info("[demo] Chat reply seq={} text='{}'", reply.getSeq(), reply.getText());
			}
			logger.info("[demo] Chat ended: {}", chat.status().getCode());
		}
	}

	private void ticksUntilDeadline() {
		int ticks = 0;
		try (BidiStream<TickRequest, Tick> stream = this.tickerClient.ticks()) {
			stream.send(TickRequest.newBuilder().setIntervalMs(100).build());
			try {
				for (Tick tick : stream) {
					ticks++;
				}
				logger.info("[demo] Ticks ended OK after {} ticks", ticks);
			}
			catch (StatusRuntimeException ex) {
				logger.info("[demo] Ticks on the 'ticker' channel: {} ticks arrived before the stream ended with {}: {}",
						ticks, ex.getStatus().getCode(), ex.getStatus().getDescription());
			}
		}
	}

	private void tickStreamLeftOpen() {
		BidiStream<TickRequest, Tick> stream = this.chatClient.ticks();
		stream.send(TickRequest.newBuilder().setIntervalMs(500).build());
		Thread reader = new Thread(() -> {
			long last = 0;
			try {
				for (Tick tick : stream) {
					last = tick.getSeq();
				}
				logger.info("[demo] the open Ticks stream ended OK at shutdown; last tick seq={}", last);
			}
			catch (StatusRuntimeException ex) {
				logger.info("[demo] the open Ticks stream ended with {} at shutdown: {} (last tick seq={})",
						ex.getStatus().getCode(), ex.getStatus().getDescription(), last);
			}
			finally {
				stream.close();
			}
		}, "demo-ticks-reader");
		reader.setDaemon(true);
		reader.start();
		logger.info("[demo] opened a Ticks stream (every 500 ms) that stays open until shutdown");
	}

}
