package dev.triplestream.sample;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.util.TestSocketUtils;

import dev.triplestream.stream.StreamRegistry;
import dev.triplestream.stream.StreamSide;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The demo client end to end, against the application's own server on a real port: chat with
 * half-close, ticks until the stream deadline, and a stream left open that the shutdown drain ends.
 */
@ExtendWith(OutputCaptureExtension.class)
class DemoRunnerTest {

	@Test
	void demoTalksToItsOwnServerAndShutdownEndsTheStreamLeftOpen(CapturedOutput output) {
		int port = TestSocketUtils.findAvailableTcpPort();
		ConfigurableApplicationContext context = SpringApplication.run(SampleApplication.class,
				"--triple.server.port=" + port, "--triple.server.shutdown.grace-period=5s");
		try {
			assertThat(output).contains("[demo] Chat reply seq=1 text='echo: hello 1'")
				.contains("[demo] Chat reply seq=3 text='echo: hello 3'")
				.contains("[demo] Chat reply seq=3 text='bye'")
				.contains("[demo] Chat ended: OK")
				.contains("ticks arrived before the stream ended with DEADLINE_EXCEEDED")
				.contains("triple.client.channels.ticker.stream-deadline");
			StreamRegistry registry = context.getBean(StreamRegistry.class);
			await().until(() -> registry.count(StreamSide.CLIENT) == 1 && registry.count(StreamSide.SERVER) == 1);
		}
		finally {
			context.close();
		}
		await().untilAsserted(() -> assertThat(output).contains("[demo] the open Ticks stream ended"));
	}

}
