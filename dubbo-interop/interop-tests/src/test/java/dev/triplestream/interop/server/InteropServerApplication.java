package dev.triplestream.interop.server;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * The starter's server for Dubbo consumers: {@link StarterInteropService} and the interceptor that
 * records {@code grpc-timeout}. In a package of its own so that the {@code @TripleClient}s of the
 * other tests are not found from it.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
public class InteropServerApplication {

	@Bean
	StarterInteropService starterInteropService() {
		return new StarterInteropService();
	}

	@Bean
	HeaderRecordingInterceptor headerRecordingInterceptor() {
		return new HeaderRecordingInterceptor();
	}

}
