package dev.triplestream.coexistence;

import java.io.IOException;
import java.net.ServerSocket;

import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.ServerServiceDefinition;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.BeanFactoryAnnotationUtils;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.grpc.client.GrpcChannelFactory;
import org.springframework.grpc.server.GrpcServerFactory;
import org.springframework.grpc.server.lifecycle.GrpcServerLifecycle;

import dev.triplestream.autoconfigure.TwoGrpcServersException;
import dev.triplestream.server.TripleServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * An application with both this starter and Spring Boot 4.1's {@code spring-boot-grpc-server} and
 * {@code -client} on its class path, started as a user starts it. Two servers never serve it: start-up
 * fails with a message naming the two properties, and either property keeps one server. Client
 * channels of both stacks live side by side.
 */
class SpringGrpcCoexistenceTests {

	@Test
	void bothServersEnabledFailStartUpBeforeEitherBinds() throws IOException {
		int triplePort = freePort();
		int springPort = freePort();
		assertThatExceptionOfType(TwoGrpcServersException.class)
			.isThrownBy(() -> start("triple.server.port=" + triplePort, "spring.grpc.server.port=" + springPort).close())
			.withMessageContaining("spring.grpc.server.enabled=false")
			.withMessageContaining("triple.server.enabled=false");
		assertThat(bindable(triplePort)).as("Triple server's port left free").isTrue();
		assertThat(bindable(springPort)).as("Spring Boot gRPC server's port left free").isTrue();
	}

	@Test
	void springGrpcServerDisabledLeavesTheTripleServerAlone() {
		try (ConfigurableApplicationContext context = start("spring.grpc.server.enabled=false",
				"triple.server.port=0")) {
			assertThat(context.getBean(TripleServer.class).isRunning()).isTrue();
			assertThat(context.getBeanNamesForType(GrpcServerFactory.class)).isEmpty();
			assertThat(context.getBeanNamesForType(GrpcServerLifecycle.class)).isEmpty();
			// Spring Boot's client side still configures itself beside triplestream's channels.
			assertThat(context.getBeanNamesForType(GrpcChannelFactory.class)).isNotEmpty();
		}
	}

	@Test
	void tripleServerDisabledLeavesSpringBootsServerAloneAndTriplestreamChannelsReachIt() throws IOException {
		int springPort = freePort();
		try (ConfigurableApplicationContext context = start("triple.server.enabled=false",
				"spring.grpc.server.port=" + springPort, "triple.client.channels.local.target=localhost:" + springPort)) {
			assertThat(context.getBeanNamesForType(TripleServer.class)).isEmpty();
			assertThat(context.getBean(GrpcServerLifecycle.class).isRunning()).isTrue();
			// Spring Boot's server serves its health service; a triplestream channel calls it.
			ManagedChannel channel = BeanFactoryAnnotationUtils.qualifiedBeanOfType(context.getBeanFactory(),
					ManagedChannel.class, "local");
			assertThat(HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.getDefaultInstance()).getStatus())
				.isEqualTo(ServingStatus.SERVING);
		}
	}

	private static ConfigurableApplicationContext start(String... properties) {
		return new SpringApplicationBuilder(CoexistenceApplication.class).web(WebApplicationType.NONE)
			.properties(properties)
			.properties("triple.server.shutdown.grace-period=1s", "spring.grpc.server.shutdown.grace-period=1s")
			.run();
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	private static boolean bindable(int port) {
		try (ServerSocket socket = new ServerSocket(port)) {
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	/** An application with one service of its own. */
	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class CoexistenceApplication {

		@Bean
		BindableService nothingService() {
			return () -> ServerServiceDefinition.builder("triplestream.coexistence.Nothing").build();
		}

	}

}
