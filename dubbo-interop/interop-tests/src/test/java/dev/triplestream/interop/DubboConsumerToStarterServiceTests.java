package dev.triplestream.interop;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.triplestream.interop.server.InteropServerApplication;
import dev.triplestream.interop.server.StarterInteropService;
import dev.triplestream.interop.v1.InteropServiceGrpc;
import dev.triplestream.interop.v1.Note;
import dev.triplestream.server.TripleServer;
import dev.triplestream.stream.StreamRegistry;
import dev.triplestream.stream.StreamSide;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Apache Dubbo 3.3.6 Triple consumers, each in a JVM of its own, against a {@code @TripleService}
 * bean of the starter bound to 127.0.0.1.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class DubboConsumerToStarterServiceTests {

	private static final Duration PATIENCE = DubboProcess.PATIENCE;

	private static ConfigurableApplicationContext server;

	/** One consumer for the tests that do not end it; its reference timeout is 5 s. */
	private static DubboProcess consumer;

	@BeforeAll
	static void startServerAndConsumer() {
		server = serverApplication();
		consumer = DubboProcess.consumer(url(server), "-", "-", "5000");
	}

	@AfterAll
	static void stop() throws InterruptedException {
		if (consumer != null) {
			consumer.close();
		}
		if (server != null) {
			server.close();
		}
	}

	@Test
	void dubboConsumerStreamsToATripleServiceBeanAndHalfCloseGetsTheFullReplyAndOk() {
		consumer.send("open Chat full-reply");
		consumer.send("send 1 full-reply");
		consumer.send("send 2 second");
		consumer.awaitEvent("full-reply reply 1 starter: full-reply");
		consumer.awaitEvent("full-reply reply 2 starter: second");
		consumer.send("half-close");
		consumer.awaitEvent("full-reply reply 2 bye");
		consumer.awaitEvent("full-reply completed");
		assertThat(consumer.events()).filteredOn((event) -> event.startsWith("full-reply "))
			.containsExactly("full-reply reply 1 starter: full-reply", "full-reply reply 2 starter: second",
					"full-reply reply 2 bye", "full-reply completed");
		assertThat(service(server).events()).contains("full-reply half-closed", "full-reply completed");
		awaitNoServerStream(server);
	}

	@Test
	void dubboConsumerCancelReachesTheHandler() {
		consumer.send("open Hang cancel");
		consumer.send("send 1 cancel");
		consumer.awaitEvent("cancel reply 1 starter: cancel");
		consumer.send("cancel");
		await().atMost(PATIENCE).until(() -> service(server).events().contains("cancel cancelled"));
		assertThat(service(server).events()).contains("cancel error CANCELLED");
		awaitNoServerStream(server);
	}

	@Test
	void killedDubboConsumerReachesTheHandler() throws InterruptedException {
		try (DubboProcess doomed = DubboProcess.consumer(url(server), "-", "-")) {
			doomed.send("open Hang killed");
			doomed.send("send 1 killed");
			doomed.awaitEvent("killed reply 1 starter: killed");
			doomed.kill();
		}
		await().atMost(PATIENCE).until(() -> service(server).events().contains("killed cancelled"));
		awaitNoServerStream(server);
	}

	@Test
	void dubboConsumerStreamOpenAtShutdownGetsTheDrain() throws InterruptedException {
		ConfigurableApplicationContext closing = serverApplication();
		try (DubboProcess drained = DubboProcess.consumer(url(closing), "-", "-")) {
			drained.send("open Hang drain");
			drained.send("send 1 drain");
			drained.send("send 2 more");
			drained.awaitEvent("drain reply 2 starter: more");
			StarterInteropService service = service(closing);
			closing.close();
			assertThat(service.events()).contains("drain drained");
			drained.awaitEvent("drain reply 2 drained");
			drained.awaitEvent("drain completed");
			assertThat(drained.events()).noneMatch((event) -> event.startsWith("drain error"));
		}
	}

	/**
	 * Dubbo 3.3.6 sends no {@code grpc-timeout} on a stream, even with a reference timeout (5 s
	 * here), so the handler has no deadline. The control shows that this server sees the header and
	 * the deadline when a grpc-java client sends them.
	 */
	@Test
	void dubboSendsNoGrpcTimeoutOnStreams() {
		consumer.send("open Chat no-timeout");
		consumer.send("send 1 no-timeout");
		consumer.awaitEvent("no-timeout reply 1 starter: no-timeout");
		consumer.send("half-close");
		consumer.awaitEvent("no-timeout completed");
		assertThat(service(server).events()).contains("no-timeout grpc-timeout=none deadline=none");

		ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", port(server)).usePlaintext().build();
		try {
			RecordedCompletion completion = new RecordedCompletion();
			StreamObserver<Note> requests = InteropServiceGrpc.newStub(channel)
				.withDeadlineAfter(1, TimeUnit.MINUTES)
				.chat(completion);
			requests.onNext(StarterClientToDubboProviderTests.note(1, "grpc-java-control"));
			requests.onCompleted();
			await().atMost(PATIENCE).until(() -> completion.done);
		}
		finally {
			channel.shutdownNow();
		}
		assertThat(service(server).events()).anyMatch((event) -> event.matches(
				"grpc-java-control grpc-timeout=\\d+[numSMH] deadline=set"));
	}

	private static void awaitNoServerStream(ConfigurableApplicationContext context) {
		StreamRegistry registry = context.getBean(StreamRegistry.class);
		await().atMost(PATIENCE).until(() -> registry.count(StreamSide.SERVER) == 0);
	}

	private static StarterInteropService service(ConfigurableApplicationContext context) {
		return context.getBean(StarterInteropService.class);
	}

	private static int port(ConfigurableApplicationContext context) {
		return context.getBean(TripleServer.class).getPort();
	}

	private static String url(ConfigurableApplicationContext context) {
		return "tri://127.0.0.1:" + port(context);
	}

	private static ConfigurableApplicationContext serverApplication() {
		return new SpringApplicationBuilder(InteropServerApplication.class).web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off", "triple.server.port=0", "triple.server.address=127.0.0.1",
					"triple.server.shutdown.grace-period=20s")
			.run();
	}

	/** Notes that a grpc-java call ended, however it ended. */
	private static final class RecordedCompletion implements StreamObserver<Note> {

		volatile boolean done;

		@Override
		public void onNext(Note value) {
		}

		@Override
		public void onError(Throwable t) {
			this.done = true;
		}

		@Override
		public void onCompleted() {
			this.done = true;
		}

	}

}
