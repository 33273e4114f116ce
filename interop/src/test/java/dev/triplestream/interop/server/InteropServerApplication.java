package dev.triplestream.interop.server;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/** An application of the starter that serves the interop {@code TestService} and nothing else. */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
@Import(InteropTestService.class)
class InteropServerApplication {

	/** The executor the interop service paces its streamed responses with. */
	@Bean(destroyMethod = "shutdownNow")
	ScheduledExecutorService interopExecutor() {
		return Executors.newScheduledThreadPool(2);
	}

}
