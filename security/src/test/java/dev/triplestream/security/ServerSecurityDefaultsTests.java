package dev.triplestream.security;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.security.core.userdetails.UserDetailsService;

import dev.triplestream.server.TripleServer;
import dev.triplestream.server.TripleServerBuilderCustomizer;

import static dev.triplestream.security.Calls.basic;
import static dev.triplestream.security.Calls.blocking;
import static dev.triplestream.security.Calls.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The secure defaults without any rule of the application's: every call authenticated, health open,
 * reflection closed; and authentication moved off the transport thread of a direct-executor server.
 */
class ServerSecurityDefaultsTests {

	private final List<ManagedChannel> channels = new CopyOnWriteArrayList<>();

	@AfterEach
	void closeChannels() {
		this.channels.forEach(ManagedChannel::shutdownNow);
	}

	private ManagedChannel channel(TripleServer server) {
		ManagedChannel channel = NettyChannelBuilder.forAddress("localhost", server.getPort()).usePlaintext().build();
		this.channels.add(channel);
		return channel;
	}

	@Test
	void withoutRulesEveryCallNeedsAuthenticationButHealthAndReflectionNeedsItToo() {
		ServerSecurityTests.base().withPropertyValues("triple.server.reflection.enabled=true").run((context) -> {
			assertThat(context).hasNotFailed();
			ManagedChannel channel = channel(context.getBean(TripleServer.class));
			assertThatExceptionOfType(StatusRuntimeException.class)
				.isThrownBy(() -> blocking(channel, null).echo(request("hi")))
				.satisfies((ex) -> assertThat(ex.getStatus()).extracting(Status::getCode, Status::getDescription)
					.containsExactly(Status.Code.UNAUTHENTICATED, "authentication required"));
			assertThat(blocking(channel, basic("alice", "alice-password")).echo(request("hi")).getText())
				.isEqualTo("hi from alice");

			HealthCheckResponse health = HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.getDefaultInstance());
			assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);

			assertThat(listServices(channel, null).getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
			assertThat(listServices(channel, basic("alice", "alice-password")).getCode()).isEqualTo(Status.Code.OK);
		});
	}

	@Test
	void aRuleNamingHealthReplacesTheBuiltInOne() {
		ServerSecurityTests.base()
			.withBean(TripleSecurity.class,
					() -> TripleSecurity.builder().service(TripleSecurity.HEALTH_SERVICE).authenticated().build())
			.run((context) -> {
				ManagedChannel channel = channel(context.getBean(TripleServer.class));
				assertThatExceptionOfType(StatusRuntimeException.class)
					.isThrownBy(() -> HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.getDefaultInstance()))
					.satisfies((ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
			});
	}

	@Test
	void onADirectExecutorServerAuthenticationLeavesTheTransportThread() {
		List<String> threads = new CopyOnWriteArrayList<>();
		ServerSecurityTests.withoutUsers()
			.withBean("directExecutor", TripleServerBuilderCustomizer.class,
					() -> (builder) -> builder.directExecutor())
			.withBean("recordingUsers", UserDetailsService.class, () -> {
				UserDetailsService users = ServerSecurityTests.Users.inMemory();
				return (name) -> {
					threads.add(Thread.currentThread().getName());
					return users.loadUserByUsername(name);
				};
			})
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ManagedChannel channel = channel(context.getBean(TripleServer.class));
				Calls.Chat chat = new Calls.Chat(channel, basic("alice", "alice-password"));
				chat.send("one");
				chat.halfClose();
				assertThat(chat.next().getText()).isEqualTo("echo: one");
				assertThat(chat.awaitEnd().getCode()).isEqualTo(Status.Code.OK);
				assertThat(threads).isNotEmpty().allMatch((name) -> name.startsWith("triple-authentication-"));
				RecordingEchoService service = context.getBean(RecordingEchoService.class);
				assertThat(service.seen("onNext")).singleElement()
					.satisfies((entry) -> assertThat(entry).startsWith("onNext:alice@"));
				assertThat(service.seen("onCompleted")).singleElement()
					.satisfies((entry) -> assertThat(entry).startsWith("onCompleted:alice@"));
			});
	}

	private static Status listServices(ManagedChannel channel, String authorization) throws Exception {
		CompletableFuture<Status> end = new CompletableFuture<>();
		StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel)
			.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(Calls.headers(authorization)))
			.serverReflectionInfo(new StreamObserver<>() {

				@Override
				public void onNext(ServerReflectionResponse response) {
				}

				@Override
				public void onError(Throwable error) {
					end.complete(Status.fromThrowable(error));
				}

				@Override
				public void onCompleted() {
					end.complete(Status.OK);
				}

			});
		requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
		requests.onCompleted();
		return end.get(10, TimeUnit.SECONDS);
	}

}
