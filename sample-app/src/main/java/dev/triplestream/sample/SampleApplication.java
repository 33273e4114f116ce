package dev.triplestream.sample;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Serves {@link ChatService} on {@code triple.server.port} (9090 unless overridden, for example
 * with {@code --triple.server.port=19090}), and runs a demo client against it ({@link DemoRunner}).
 * On shutdown the server drains: open tick streams get the drain notice and end at once with a last
 * tick; other calls in flight get the configured grace period to end, and are then ended with
 * UNAVAILABLE.
 */
@SpringBootApplication
@EnableConfigurationProperties(SampleDemoProperties.class)
public class SampleApplication {

	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

	/** The thread every tick stream sends from; stopped only after the server has drained. */
	@Bean(destroyMethod = "shutdownNow")
	ScheduledExecutorService tickScheduler() {
		return Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "ticks");
			thread.setDaemon(true);
			return thread;
		});
	}

}
