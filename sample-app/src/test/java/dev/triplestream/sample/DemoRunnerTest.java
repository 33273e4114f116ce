package dev.triplestream.sample;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

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
 * half-close, ticks until the stream deadline, and a stream left open whose handler ends it on the
 * server's drain notice, so that shutdown does not wait for the grace period.
 */
@ExtendWith(OutputCaptureExtension.class)
class DemoRunnerTest {

	@Test
	void demoTalksToItsOwnServerAndShutdownEndsTheStreamLeftOpen(CapturedOutput output) {
		int port = TestSocketUtils.findAvailableTcpPort();
		Duration grace = Duration.ofSeconds(20);
		ConfigurableApplicationContext context = SpringApplication.run(SampleApplication.class,
				"--triple.server.port=" + port, "--triple.server.shutdown.grace-period=" + grace.toSeconds() + "s");
		long closeMillis;
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
			long started = System.nanoTime();
			context.close();
			closeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
		}
		System.out.println("Closing the sample with an open Ticks stream took " + closeMillis + " ms (grace period "
				+ grace.toMillis() + " ms)");
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(output).contains("[demo] the open Ticks stream ended OK at shutdown"));
		assertThat(output).containsPattern("Triple server drain: 1 stream\\(s\\) in \\d+ ms \\(1 shutdown-drained\\)");
		// The handler ended its stream on the drain notice: no wait for the grace period.
		assertThat(closeMillis).isLessThan(5000);
	}

}
