package dev.triplestream.security;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;

import dev.triplestream.autoconfigure.StreamRegistryAutoConfiguration;
import dev.triplestream.autoconfigure.TripleServerAutoConfiguration;
import dev.triplestream.server.TripleServer;
import dev.triplestream.server.TripleService;
import dev.triplestream.test.v1.EchoRequest;
import dev.triplestream.test.v1.EchoResponse;

import static dev.triplestream.security.Calls.basic;
import static dev.triplestream.security.Calls.blocking;
import static dev.triplestream.security.Calls.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code @PreAuthorize} on the methods of a service, with {@code @EnableMethodSecurity}, as for an MVC
 * controller: on a streaming method (checked as the handler starts) and a unary one (checked when
 * the request has arrived); a denial ends the call with {@code PERMISSION_DENIED}, not
 * {@code UNKNOWN}.
 */
class MethodSecurityTests {

	private final List<ManagedChannel> channels = new CopyOnWriteArrayList<>();

	@AfterEach
	void closeChannels() {
		this.channels.forEach(ManagedChannel::shutdownNow);
	}

	@Test
	void preAuthorizeOnAStreamingAndAUnaryMethod() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(StreamRegistryAutoConfiguration.class,
					TripleServerAutoConfiguration.class, TripleServerSecurityAutoConfiguration.class))
			.withUserConfiguration(ServerSecurityTests.Users.class, MethodSecured.class)
			.withPropertyValues("triple.server.port=0", "triple.server.shutdown.grace-period=2s")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				TripleServer server = context.getBean(TripleServer.class);
				ManagedChannel channel = NettyChannelBuilder.forAddress("localhost", server.getPort()).usePlaintext().build();
				this.channels.add(channel);
				Calls.Chat denied = new Calls.Chat(channel, basic("alice", "alice-password"));
				denied.send("hi");
				Status status = denied.awaitEnd();
				assertThat(status.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);

				Calls.Chat allowed = new Calls.Chat(channel, basic("admin", "admin-password"));
				allowed.send("hi");
				allowed.halfClose();
				assertThat(allowed.next().getText()).isEqualTo("echo: hi");
				assertThat(allowed.awaitEnd().getCode()).isEqualTo(Status.Code.OK);

				assertThatExceptionOfType(StatusRuntimeException.class)
					.isThrownBy(() -> blocking(channel, basic("alice", "alice-password")).echo(request("hi")))
					.satisfies((ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
				assertThat(blocking(channel, basic("admin", "admin-password")).echo(request("hi")).getText())
					.isEqualTo("hi from admin");
			});
	}

	@Configuration(proxyBeanMethods = false)
	// Class-based proxies, Spring Boot's default: the generated bindService() is final, so it binds the
	// proxy itself. An interface-based proxy would bind its target, and no annotation would apply.
	@EnableMethodSecurity(proxyTargetClass = true)
	static class MethodSecured {

		@Bean
		AdminOnlyEchoService adminOnlyEchoService() {
			return new AdminOnlyEchoService();
		}

	}

	@TripleService
	static class AdminOnlyEchoService extends RecordingEchoService {

		@Override
		@PreAuthorize("hasRole('ADMIN')")
		public void echo(EchoRequest request, StreamObserver<EchoResponse> responses) {
			super.echo(request, responses);
		}

		@Override
		@PreAuthorize("hasRole('ADMIN')")
		public StreamObserver<EchoRequest> chat(StreamObserver<EchoResponse> responses) {
			return super.chat(responses);
		}

	}

}
