package dev.triplestream.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.grpc.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.triplestream.autoconfigure.StreamRegistryAutoConfiguration;
import dev.triplestream.autoconfigure.TripleServerAutoConfiguration;
import dev.triplestream.stream.EndReason;
import dev.triplestream.stream.StreamRegistry;
import dev.triplestream.stream.StreamSide;
import dev.triplestream.stream.TrackedStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A client that disappears: its process is killed while its stream is open.
 */
class TripleServerClientProcessTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(StreamRegistryAutoConfiguration.class, SslAutoConfiguration.class,
				TripleServerAutoConfiguration.class))
		.withUserConfiguration(LifecycleServiceConfiguration.class)
		.withPropertyValues("triple.server.port=0", "triple.server.address=127.0.0.1");

	@Test
	@Timeout(value = 120, unit = TimeUnit.SECONDS)
	void killedClientProcessCancelsItsStreamAndTheRegistryForgetsIt() {
		this.runner.run((context) -> {
			StreamRegistry registry = context.getBean(StreamRegistry.class);
			RecordedEnds ends = RecordedEnds.of(registry);
			LifecycleTestService service = context.getBean(LifecycleTestService.class);
			int port = context.getBean(TripleServer.class).getPort();
			String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
			Process client = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
					ChatClientProcess.class.getName(), Integer.toString(port), "from another process")
				.redirectErrorStream(true)
				.start();
			try {
				BlockingQueue<String> lines = readLines(client);
				String line;
				do {
					line = lines.poll(60, TimeUnit.SECONDS);
					assertThat(line).as("a line from the client process within 60s").isNotNull();
					System.out.println("[client process] " + line);
				}
				while (!line.equals(ChatClientProcess.READY));

				List<TrackedStream> streams = registry.streams(StreamSide.SERVER);
				assertThat(streams).hasSize(1);
				assertThat(streams.get(0).peer()).contains("127.0.0.1");
				LifecycleTestService.ServedCall served = service.call("from another process");
				assertThat(served.cancelled.getCount()).isOne();

				long killed = System.nanoTime();
				client.destroyForcibly();
				assertThat(client.waitFor(30, TimeUnit.SECONDS)).isTrue();
				await().atMost(Duration.ofSeconds(30)).until(() -> served.cancelled.getCount() == 0);
				long cancelledMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
				await().atMost(Duration.ofSeconds(10)).until(() -> registry.count(StreamSide.SERVER) == 0);
				System.out.println("The handler's cancellation callback ran " + cancelledMillis
						+ " ms after the client process was killed");
				assertThat(registry.streams()).isEmpty();
				await().atMost(Duration.ofSeconds(10)).until(() -> served.requestError != null);
				// Recorded as the peer gone, with the status the transport reported: not as a cancellation.
				RecordedEnds.End end = ends.awaitEnd(1);
				assertThat(end.reason()).isEqualTo(EndReason.PEER_GONE);
				assertThat(end.status().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
				assertThat(ends.ends()).hasSize(1);
			}
			finally {
				client.destroyForcibly();
			}
		});
	}

	private static BlockingQueue<String> readLines(Process process) {
		BlockingQueue<String> lines = new LinkedBlockingQueue<>();
		Thread reader = new Thread(() -> {
			try (BufferedReader in = new BufferedReader(
					new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
				String line;
				while ((line = in.readLine()) != null) {
					lines.add(line);
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}, "client-process-output");
		reader.setDaemon(true);
		reader.start();
		return lines;
	}

	@Configuration(proxyBeanMethods = false)
	static class LifecycleServiceConfiguration {

		@Bean
		LifecycleTestService lifecycleService() {
			return new LifecycleTestService();
		}

	}

}
