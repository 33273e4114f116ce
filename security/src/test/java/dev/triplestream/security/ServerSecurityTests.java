package dev.triplestream.security;

import java.time.Instant;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;

import dev.triplestream.autoconfigure.StreamRegistryAutoConfiguration;
import dev.triplestream.autoconfigure.TripleServerAutoConfiguration;
import dev.triplestream.server.TripleServer;
import dev.triplestream.stream.EndReason;
import dev.triplestream.stream.StreamRegistry;
import dev.triplestream.stream.StreamSide;
import dev.triplestream.stream.TrackedStream;
import dev.triplestream.test.v1.EchoResponse;

import static dev.triplestream.security.Calls.basic;
import static dev.triplestream.security.Calls.bearer;
import static dev.triplestream.security.Calls.blocking;
import static dev.triplestream.security.Calls.jwt;
import static dev.triplestream.security.Calls.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Every call authenticated and authorized before its handler runs, over a real loopback server
 * with real grpc-java clients and real credentials: Basic against an in-memory user store, bearer
 * JWTs signed with a test key and checked by a {@code NimbusJwtDecoder}.
 */
class ServerSecurityTests {

	static final String CHAT = "triplestream.test.v1.EchoService/Chat";

	static final String REPEAT = "triplestream.test.v1.EchoService/Repeat";

	private final List<ManagedChannel> channels = new CopyOnWriteArrayList<>();

	/** The application without rules of its own. */
	static ApplicationContextRunner base() {
		return withoutUsers().withUserConfiguration(Users.class);
	}

	/** The application without rules of its own nor users. */
	static ApplicationContextRunner withoutUsers() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(StreamRegistryAutoConfiguration.class,
					TripleServerAutoConfiguration.class, TripleServerSecurityAutoConfiguration.class))
			.withUserConfiguration(SecuredApplication.class)
			.withPropertyValues("triple.server.port=0", "triple.server.shutdown.grace-period=2s");
	}

	static ApplicationContextRunner runner() {
		return base().withUserConfiguration(Rules.class);
	}

	@AfterEach
	void closeChannels() {
		this.channels.forEach(ManagedChannel::shutdownNow);
	}

	ManagedChannel channel(TripleServer server) {
		ManagedChannel channel = NettyChannelBuilder.forAddress("localhost", server.getPort()).usePlaintext().build();
		this.channels.add(channel);
		return channel;
	}

	@Test
	void callsWithoutCredentialsAreRefusedBeforeTheHandlerRuns() {
		runner().run((context) -> {
			ManagedChannel channel = channel(context.getBean(TripleServer.class));
			RecordingEchoService service = context.getBean(RecordingEchoService.class);
			assertThatExceptionOfType(StatusRuntimeException.class)
				.isThrownBy(() -> blocking(channel, null).echo(request("hi")))
				.satisfies((ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
			Calls.Chat chat = new Calls.Chat(channel, null);
			chat.send("hi");
			assertThat(chat.awaitEnd().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
			assertThat(service.invocations).hasValue(0);
		});
	}

	@Test
	void basicCredentialsAreCheckedByTheUserDetailsService() {
		runner().run((context) -> {
			ManagedChannel channel = channel(context.getBean(TripleServer.class));
			assertThat(blocking(channel, basic("alice", "alice-password")).echo(request("hi")).getText())
				.isEqualTo("hi from alice");
			assertThatExceptionOfType(StatusRuntimeException.class)
				.isThrownBy(() -> blocking(channel, basic("alice", "wrong")).echo(request("hi")))
				.satisfies((ex) -> assertThat(ex.getStatus()).extracting(Status::getCode, Status::getDescription)
					.containsExactly(Status.Code.UNAUTHENTICATED, "authentication failed"));
			assertThat(context.getBean(RecordingEchoService.class).invocations).hasValue(1);
		});
	}

	@Test
	void bearerJwtsAreCheckedByTheJwtDecoder() {
		runner().run((context) -> {
			ManagedChannel channel = channel(context.getBean(TripleServer.class));
			String token = jwt("carol", Instant.now().plusSeconds(600));
			assertThat(blocking(channel, bearer(token)).echo(request("hi")).getText()).isEqualTo("hi from carol");
			assertThatExceptionOfType(StatusRuntimeException.class)
				.isThrownBy(() -> blocking(channel, bearer(token + "x")).echo(request("hi")))
				.satisfies((ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
		});
	}

	@Test
	void aCallerWithoutTheRoleARuleRequiresIsDenied() {
		runner().run((context) -> {
			ManagedChannel channel = channel(context.getBean(TripleServer.class));
			RecordingEchoService service = context.getBean(RecordingEchoService.class);
			assertThatExceptionOfType(StatusRuntimeException.class)
				.isThrownBy(() -> blocking(channel, basic("alice", "alice-password")).repeat(request("r")).next())
				.satisfies((ex) -> assertThat(ex.getStatus()).extracting(Status::getCode, Status::getDescription)
					.containsExactly(Status.Code.PERMISSION_DENIED, "access denied"));
			assertThat(service.invocations).hasValue(0);
			assertThat(blocking(channel, basic("admin", "admin-password")).repeat(request("r"))).toIterable().hasSize(2);
		});
	}

	@Test
	void theSecurityContextIsSetForTheHandlerEveryCallbackAndTheDrainAction() {
		runner().run((context) -> {
			ManagedChannel channel = channel(context.getBean(TripleServer.class));
			RecordingEchoService service = context.getBean(RecordingEchoService.class);
			Calls.Chat completed = new Calls.Chat(channel, basic("alice", "alice-password"));
			completed.send("one");
			assertThat(completed.next().getText()).isEqualTo("echo: one");
			completed.send("two");
			assertThat(completed.next().getText()).isEqualTo("echo: two");
			completed.halfClose();
			assertThat(completed.awaitEnd().getCode()).isEqualTo(Status.Code.OK);

			Calls.Chat drained = new Calls.Chat(channel, basic("alice", "alice-password"));
			drained.send("three");
			assertThat(drained.next().getText()).isEqualTo("echo: three");
			context.close(); // the server's drain gives the call its notice: the handler's action says bye
			assertThat(drained.next().getText()).isEqualTo("bye");
			assertThat(drained.awaitEnd().getCode()).isEqualTo(Status.Code.OK);

			assertThat(service.seen("chat")).hasSize(2).allMatch((entry) -> entry.startsWith("chat:alice@"));
			assertThat(service.seen("onNext")).hasSize(3).allMatch((entry) -> entry.startsWith("onNext:alice@grpc-"));
			assertThat(service.seen("onCompleted")).singleElement()
				.satisfies((entry) -> assertThat(entry).startsWith("onCompleted:alice@grpc-"));
			assertThat(service.seen("drain")).singleElement()
				.satisfies((entry) -> assertThat(entry).startsWith("drain:alice@triple-server-drain"));
		});
	}

	@Test
	void aStreamEndsWhenItsJwtExpiresWhileAnotherCallersStreamGoesOn() {
		runner().run((context) -> {
			ManagedChannel channel = channel(context.getBean(TripleServer.class));
			Queue<TrackedStream> ended = new ConcurrentLinkedQueue<>();
			context.getBean(StreamRegistry.class).addListener(new StreamRegistry.Listener() {

				@Override
				public void opened(TrackedStream stream) {
				}

				@Override
				public void closed(TrackedStream stream) {
					ended.add(stream);
				}

			});
			Calls.Chat expiring = new Calls.Chat(channel, bearer(jwt("carol", Instant.now().plusSeconds(2))));
			Calls.Chat lasting = new Calls.Chat(channel, basic("alice", "alice-password"));
			expiring.send("a");
			lasting.send("b");
			assertThat(expiring.next().getText()).isEqualTo("echo: a");
			assertThat(lasting.next().getText()).isEqualTo("echo: b");
			Status status = expiring.awaitEnd();
			assertThat(status.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
			assertThat(status.getDescription()).isEqualTo("credentials expired");
			await().untilAsserted(() -> assertThat(ended).filteredOn((stream) -> stream.side() == StreamSide.SERVER)
				.singleElement()
				.satisfies((stream) -> assertThat(stream.endReason()).isEqualTo(EndReason.CREDENTIALS_EXPIRED)));
			assertThat(EndReason.CREDENTIALS_EXPIRED.tag()).isEqualTo("credentials-expired");
			assertThat(lasting.isEnded()).isFalse();
			lasting.send("c");
			assertThat(lasting.next().getText()).isEqualTo("echo: c");
			lasting.halfClose();
			assertThat(lasting.awaitEnd().getCode()).isEqualTo(Status.Code.OK);
		});
	}

	@Test
	void aCallWhoseJwtHasExpiredIsRefusedAtItsStart() {
		runner().run((context) -> {
			ManagedChannel channel = channel(context.getBean(TripleServer.class));
			// Expired, yet within the decoder's 60 s clock skew: the decoder accepts it.
			String expired = jwt("carol", Instant.now().minusSeconds(5));
			assertThatExceptionOfType(StatusRuntimeException.class)
				.isThrownBy(() -> blocking(channel, bearer(expired)).echo(request("hi")))
				.satisfies((ex) -> assertThat(ex.getStatus()).extracting(Status::getCode, Status::getDescription)
					.containsExactly(Status.Code.UNAUTHENTICATED, "credentials expired"));
			assertThat(context.getBean(RecordingEchoService.class).invocations).hasValue(0);
		});
	}

	@Test
	void aRuleNamingAMethodTheServerDoesNotServeFailsStartUp() {
		base().withBean(TripleSecurity.class,
				() -> TripleSecurity.builder().method("triplestream.test.v1.EchoService/Ech").hasRole("ADMIN").build())
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).isInstanceOf(UnknownSecuredMethodException.class)
					.hasMessageContaining("method(\"triplestream.test.v1.EchoService/Ech\").hasRole(\"ADMIN\")");
				assertThat(new UnknownSecuredMethodFailureAnalyzer().analyze(context.getStartupFailure()).getAction())
					.contains("triplestream.test.v1.EchoService/Echo");
			});
	}

	/** The application: users, a JWT decoder and rules. */
	@Configuration(proxyBeanMethods = false)
	static class SecuredApplication {

		@Bean
		RecordingEchoService recordingEchoService() {
			return new RecordingEchoService();
		}

		@Bean
		JwtDecoder jwtDecoder() {
			return Calls.jwtDecoder();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Users {

		@Bean
		UserDetailsService users() {
			return inMemory();
		}

		static UserDetailsService inMemory() {
			return new InMemoryUserDetailsManager(
					User.withUsername("alice").password("{noop}alice-password").roles("USER").build(),
					User.withUsername("admin").password("{noop}admin-password").roles("USER", "ADMIN").build());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Rules {

		@Bean
		TripleSecurity tripleSecurity() {
			return TripleSecurity.builder().method(REPEAT).hasRole("ADMIN").anyMethod().authenticated().build();
		}

	}

}
