package dev.triplestream.server;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.triplestream.autoconfigure.StreamRegistryAutoConfiguration;
import dev.triplestream.autoconfigure.TripleServerAutoConfiguration;
import dev.triplestream.stream.EndReason;
import dev.triplestream.stream.StreamRegistry;
import dev.triplestream.stream.StreamSide;
import dev.triplestream.stream.TrackedStream;
import dev.triplestream.test.v1.EchoRequest;
import dev.triplestream.test.v1.EchoServiceGrpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The server-side limits of streams: idle timeout, max age and max concurrent streams, server-wide
 * and per service or method, with real clients over loopback.
 */
class TripleServerStreamLimitsTests {

	private static final String CHAT = "triplestream.test.v1.EchoService/Chat";

	private static final String REPEAT = "triplestream.test.v1.EchoService/Repeat";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(StreamRegistryAutoConfiguration.class, SslAutoConfiguration.class,
				TripleServerAutoConfiguration.class))
		// The streams left open at the end of a test are not the subject: a short drain ends them.
		.withPropertyValues("triple.server.port=0", "triple.server.address=127.0.0.1",
				"triple.server.shutdown.grace-period=200ms");

	private final List<ManagedChannel> channels = new CopyOnWriteArrayList<>();

	@AfterEach
	void closeChannels() {
		this.channels.forEach(ManagedChannel::shutdownNow);
	}

	@Test
	void idleTimeoutCancelsTheQuietStreamAndLeavesTheActiveOneAlone() {
		this.runner.withUserConfiguration(LifecycleServiceConfiguration.class)
			.withPropertyValues("triple.server.streams.idle-timeout=3s")
			.run((context) -> {
				StreamRegistry registry = context.getBean(StreamRegistry.class);
				RecordedEnds ends = RecordedEnds.of(registry);
				LifecycleTestService service = context.getBean(LifecycleTestService.class);
				ManagedChannel channel = loopback(context.getBean(TripleServer.class).getPort());
				long started = System.nanoTime();
				ChatCall quiet = new ChatCall(channel);
				quiet.send(1, "quiet");
				ChatCall active = new ChatCall(channel);
				active.send(1, "active");
				assertThat(quiet.next().getText()).isEqualTo("echo: quiet");
				assertThat(active.next().getText()).isEqualTo("echo: active");
				assertThat(service.call("active").context.idleTimeout()).contains(Duration.ofSeconds(3));

				// The active stream has a message each way every 100 ms until the quiet one ends (the timeout is
				// far longer than that: the machine may stall a test thread for a while).
				long seq = 2;
				while (!quiet.isDone() && System.nanoTime() - started < TimeUnit.SECONDS.toNanos(20)) {
					active.send(seq, "still here");
					assertThat(active.next().getSeq()).isEqualTo(seq);
					seq++;
					Thread.sleep(100);
				}
				Status status = quiet.awaitStatus();
				long quietMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
				System.out.println("The quiet stream (idle timeout 3000 ms) ended after " + quietMillis + " ms; the "
						+ "active one exchanged " + (seq - 2) + " more messages meanwhile");
				assertThat(status.getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
				assertThat(status.getDescription()).isEqualTo("idle for 3s (triple.server.streams.idle-timeout)");
				assertThat(quietMillis).isGreaterThanOrEqualTo(3000).isLessThan(20_000);
				LifecycleTestService.ServedCall quietCall = service.call("quiet");
				assertThat(quietCall.wasCancelled()).as("the handler's cancellation callback").isTrue();
				await().atMost(Duration.ofSeconds(10)).until(() -> quietCall.requestError != null);
				assertThat(Status.fromThrowable(quietCall.requestError).getCode()).isEqualTo(Status.Code.CANCELLED);
				RecordedEnds.End quietEnd = ends.awaitEnd(1);
				assertThat(quietEnd.reason()).isEqualTo(EndReason.IDLE_TIMEOUT);
				assertThat(quietEnd.status().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
				assertThat(quietEnd.status().getDescription()).isEqualTo(status.getDescription());

				// The active stream goes on, then ends as its client wants.
				active.send(seq, "after the quiet one");
				assertThat(active.next().getText()).isEqualTo("echo: after the quiet one");
				assertThat(registry.count(StreamSide.SERVER)).isOne();
				active.halfClose();
				assertThat(active.awaitStatus().getCode()).isEqualTo(Status.Code.OK);
				assertThat(service.call("active").cancelled.getCount()).isOne();
				await().atMost(Duration.ofSeconds(10)).until(() -> registry.count(StreamSide.SERVER) == 0);
				assertThat(ends.awaitEnd(2).reason()).isEqualTo(EndReason.COMPLETED);
				assertThat(ends.ends()).hasSize(2);
			});
	}

	@Test
	void maxAgeDrainsThenEndsTheOldStreamsAndLeavesTheYoungerAndExemptOnesAlone() {
		this.runner.withUserConfiguration(LifecycleServiceConfiguration.class)
			.withPropertyValues("triple.server.streams.max-age=4s", "triple.server.streams.max-age-grace=1s",
					"triple.server.streams.services[" + REPEAT + "].max-age=0")
			.run((context) -> {
				RecordedEnds ends = RecordedEnds.of(context.getBean(StreamRegistry.class));
				LifecycleTestService service = context.getBean(LifecycleTestService.class);
				ManagedChannel channel = loopback(context.getBean(TripleServer.class).getPort());
				long started = System.nanoTime();
				ChatCall completing = new ChatCall(channel);
				completing.send(1, LifecycleTestService.COMPLETE_ON_DRAIN);
				ChatCall ignoring = new ChatCall(channel);
				ignoring.send(1, "ignores-the-notice");
				RepeatCall exempt = new RepeatCall(channel, "exempt");
				assertThat(completing.next().getText()).isEqualTo("echo: " + LifecycleTestService.COMPLETE_ON_DRAIN);
				assertThat(ignoring.next().getText()).isEqualTo("echo: ignores-the-notice");
				assertThat(exempt.next().getText()).isEqualTo("started: exempt");
				assertThat(service.call("exempt").context.maxAge()).isEmpty();
				assertThat(service.call("ignores-the-notice").context.maxAge()).contains(Duration.ofSeconds(4));

				// At its max age, the stream whose handler completes on the notice ends OK.
				assertThat(completing.next().getText()).isEqualTo("drained: " + LifecycleTestService.COMPLETE_ON_DRAIN);
				assertThat(completing.awaitStatus().getCode()).isEqualTo(Status.Code.OK);
				long completedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
				ChatCall younger = new ChatCall(channel);
				younger.send(1, "younger");
				assertThat(younger.next().getText()).isEqualTo("echo: younger");

				// The one that ignores it is ended with UNAVAILABLE after the max-age grace.
				Status status = ignoring.awaitStatus();
				long endedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
				System.out.println("Max age 4000 ms, grace 1000 ms: the stream completing on the notice ended after "
						+ completedMillis + " ms, the one ignoring it after " + endedMillis + " ms");
				assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
				assertThat(status.getDescription())
					.isEqualTo("stream reached its max age of 4s (triple.server.streams.max-age)");
				assertThat(completedMillis).isGreaterThanOrEqualTo(4000).isLessThan(20_000);
				assertThat(endedMillis).isGreaterThanOrEqualTo(5000).isLessThan(25_000);
				LifecycleTestService.ServedCall ignored = service.call("ignores-the-notice");
				assertThat(ignored.wasNoticed()).as("drain notice").isTrue();
				assertThat(ignored.wasCancelled()).as("cancellation callback").isTrue();
				// The max-age notice is no shutdown: the stream that ended on it completed.
				assertThat(ends.awaitEnd(1).reason()).isEqualTo(EndReason.COMPLETED);
				RecordedEnds.End ignoredEnd = ends.awaitEnd(2);
				assertThat(ignoredEnd.reason()).isEqualTo(EndReason.MAX_AGE);
				assertThat(ignoredEnd.status().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
				assertThat(ignoredEnd.status().getDescription()).isEqualTo(status.getDescription());
				assertThat(ignoredEnd.stream().isDrainNoticeGiven()).isTrue();

				// The younger stream and the exempt one are untouched.
				assertThat(younger.isDone()).isFalse();
				assertThat(service.call("younger").context.isDraining()).isFalse();
				younger.send(2, "still open");
				assertThat(younger.next().getText()).isEqualTo("echo: still open");
				assertThat(exempt.isDone()).isFalse();
				assertThat(service.call("exempt").context.isDraining()).isFalse();
				StreamRegistry registry = context.getBean(StreamRegistry.class);
				assertThat(registry.streams(StreamSide.SERVER)).extracting(TrackedStream::fullMethodName)
					.containsExactlyInAnyOrder(CHAT, REPEAT);
			});
	}

	@Test
	void serviceAnnotationSetsLimitsThatAMethodPropertyLifts() {
		this.runner.withUserConfiguration(AnnotatedServiceConfiguration.class)
			.withPropertyValues("triple.server.streams.services[" + REPEAT + "].idle-timeout=0")
			.run((context) -> {
				LifecycleTestService service = context.getBean(LifecycleTestService.class);
				ManagedChannel channel = loopback(context.getBean(TripleServer.class).getPort());
				long started = System.nanoTime();
				ChatCall chat = new ChatCall(channel);
				chat.send(1, "quiet chat");
				RepeatCall repeat = new RepeatCall(channel, "quiet repeat");
				assertThat(chat.next().getText()).isEqualTo("echo: quiet chat");
				assertThat(repeat.next().getText()).isEqualTo("started: quiet repeat");
				assertThat(service.call("quiet chat").context.idleTimeout()).contains(Duration.ofMillis(700));
				assertThat(service.call("quiet repeat").context.idleTimeout()).isEmpty();

				Status status = chat.awaitStatus();
				System.out.println("The quiet chat (idle timeout 700 ms from @TripleService) ended after "
						+ TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms");
				assertThat(status.getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
				assertThat(status.getDescription())
					.isEqualTo("idle for 700ms (@TripleService(idleTimeout) on bean 'annotatedService')");
				// The repeat stream, as quiet for as long, stays open.
				await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5)).until(() -> !repeat.isDone());
			});
	}

	@Test
	void servicePropertyOverridesTheAnnotation() {
		this.runner.withUserConfiguration(AnnotatedServiceConfiguration.class)
			.withPropertyValues("triple.server.streams.idle-timeout=1h",
					"triple.server.streams.services[triplestream.test.v1.EchoService].idle-timeout=400ms")
			.run((context) -> {
				ChatCall chat = new ChatCall(loopback(context.getBean(TripleServer.class).getPort()));
				chat.send(1, "quiet chat");
				assertThat(chat.next().getText()).isEqualTo("echo: quiet chat");
				Status status = chat.awaitStatus();
				assertThat(status.getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
				assertThat(status.getDescription()).isEqualTo(
						"idle for 400ms (triple.server.streams.services[triplestream.test.v1.EchoService].idle-timeout)");
			});
	}

	@Test
	void maxConcurrentRefusesTheExtraStreamAndServesTheRest() {
		this.runner.withUserConfiguration(LifecycleServiceConfiguration.class)
			.withPropertyValues("triple.server.streams.max-concurrent=3")
			.run((context) -> {
				StreamRegistry registry = context.getBean(StreamRegistry.class);
				RecordedEnds ends = RecordedEnds.of(registry);
				LifecycleTestService service = context.getBean(LifecycleTestService.class);
				ManagedChannel channel = loopback(context.getBean(TripleServer.class).getPort());
				ChatCall[] open = new ChatCall[3];
				for (int i = 0; i < open.length; i++) {
					open[i] = new ChatCall(channel);
					open[i].send(1, "open-" + i);
					assertThat(open[i].next().getText()).isEqualTo("echo: open-" + i);
				}

				ChatCall extra = new ChatCall(channel);
				extra.send(1, "extra");
				Status status = extra.awaitStatus();
				assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
				assertThat(status.getDescription())
					.isEqualTo("too many open streams: this server allows 3 at once (triple.server.streams.max-concurrent)");
				// Refused before its handler ran; counted, and ended at once.
				assertThat(service.callCount()).isEqualTo(3);
				assertThat(registry.count(StreamSide.SERVER)).isEqualTo(3);
				assertThat(ends.openedCount()).isEqualTo(4);
				RecordedEnds.End refused = ends.awaitEnd(1);
				assertThat(refused.reason()).isEqualTo(EndReason.REFUSED);
				assertThat(refused.status().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
				assertThat(refused.status().getDescription()).isEqualTo(status.getDescription());

				// Unary calls do not count; the open streams go on.
				assertThat(EchoServiceGrpc.newBlockingStub(channel)
					.withDeadlineAfter(Duration.ofSeconds(10))
					.echo(EchoRequest.newBuilder().setText("unary").build())
					.getText()).isEqualTo(EchoServiceGrpc.getEchoMethod().getFullMethodName());
				for (int i = 0; i < open.length; i++) {
					open[i].send(2, "still open-" + i);
					assertThat(open[i].next().getText()).isEqualTo("echo: still open-" + i);
				}

				// A stream that ends frees its place.
				open[0].halfClose();
				assertThat(open[0].awaitStatus().getCode()).isEqualTo(Status.Code.OK);
				await().atMost(Duration.ofSeconds(10)).until(() -> registry.count(StreamSide.SERVER) == 2);
				ChatCall next = new ChatCall(channel);
				next.send(1, "next");
				assertThat(next.next().getText()).isEqualTo("echo: next");
				assertThat(registry.count(StreamSide.SERVER)).isEqualTo(3);
			});
	}

	@Test
	void bindsTheStreamProperties() {
		this.runner.withUserConfiguration(LifecycleServiceConfiguration.class)
			.withPropertyValues("triple.server.port=0", "triple.server.streams.idle-timeout=30s",
					"triple.server.streams.max-age=10m", "triple.server.streams.max-age-grace=2s",
					"triple.server.streams.max-concurrent=500",
					"triple.server.streams.services[" + CHAT + "].idle-timeout=0",
					"triple.server.streams.services[triplestream.test.v1.EchoService].max-age=1h")
			.run((context) -> {
				TripleServer server = context.getBean(TripleServer.class);
				assertThat(server.getStreamLimits().idleTimeout().value()).isEqualTo(Duration.ofSeconds(30));
				assertThat(server.getStreamLimits().idleTimeout().source()).isEqualTo("triple.server.streams.idle-timeout");
				assertThat(server.getStreamLimits().maxAge().value()).isEqualTo(Duration.ofMinutes(10));
				assertThat(server.getMaxAgeGrace()).isEqualTo(Duration.ofSeconds(2));
				assertThat(server.getMaxConcurrentStreams()).isEqualTo(500);
				assertThat(server.getStreamLimitOverrides()).containsOnlyKeys(CHAT, "triplestream.test.v1.EchoService");
				ServerStreamLimits chat = server.getStreamLimitOverrides().get(CHAT);
				assertThat(chat.idleTimeout().isSet()).isFalse();
				assertThat(chat.maxAge()).isNull();
				assertThat(server.getStreamLimitOverrides().get("triplestream.test.v1.EchoService").maxAge().value())
					.isEqualTo(Duration.ofHours(1));
			});
	}

	@Test
	void defaultsSetNoLimit() {
		this.runner.withUserConfiguration(LifecycleServiceConfiguration.class).run((context) -> {
			TripleServer server = context.getBean(TripleServer.class);
			assertThat(server.getStreamLimits().idleTimeout().isSet()).isFalse();
			assertThat(server.getStreamLimits().maxAge().isSet()).isFalse();
			assertThat(server.getMaxAgeGrace()).isEqualTo(Duration.ofSeconds(5));
			assertThat(server.getMaxConcurrentStreams()).isZero();
			assertThat(server.getStreamLimitOverrides()).isEmpty();
		});
	}

	@Test
	void failsNamingThePropertyForBadValues() {
		assertFailsNaming("triple.server.streams.idle-timeout", "triple.server.streams.idle-timeout=-1s");
		assertFailsNaming("triple.server.streams.max-age", "triple.server.streams.max-age=-5m");
		assertFailsNaming("triple.server.streams.max-age-grace", "triple.server.streams.max-age-grace=-1s");
		assertFailsNaming("triple.server.streams.max-concurrent", "triple.server.streams.max-concurrent=0");
		assertFailsNaming("triple.server.streams.services[" + CHAT + "].idle-timeout",
				"triple.server.streams.services[" + CHAT + "].idle-timeout=-2s");
		assertFailsNaming("triple.server.streams.services[no.such.Service]",
				"triple.server.streams.services[no.such.Service].max-age=1m");
		assertFailsNaming("triple.server.streams.services[triplestream.test.v1.EchoService/NoSuchMethod]",
				"triple.server.streams.services[triplestream.test.v1.EchoService/NoSuchMethod].max-age=1m");
	}

	private void assertFailsNaming(String property, String setting) {
		this.runner.withUserConfiguration(LifecycleServiceConfiguration.class)
			.withPropertyValues(setting)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("Property " + property + " with value"));
	}

	@Test
	void failsNamingTheAnnotationForABadDuration() {
		this.runner.withUserConfiguration(BadAnnotationConfiguration.class)
			.run((context) -> {
				assertThat(context).hasFailed();
				Throwable failure = context.getStartupFailure();
				while (failure != null && !(failure instanceof IllegalStateException)) {
					failure = failure.getCause();
				}
				assertThat(failure).hasMessage("@TripleService(maxAge) on bean 'badService' is \"soon\", which is not a "
						+ "duration (such as \"30s\", or \"0\" for no limit)");
			});
	}

	private ManagedChannel loopback(int port) {
		ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
		this.channels.add(channel);
		return channel;
	}

	@Configuration(proxyBeanMethods = false)
	static class LifecycleServiceConfiguration {

		@Bean
		LifecycleTestService lifecycleService() {
			return new LifecycleTestService();
		}

	}

	@TripleService(idleTimeout = "700ms")
	static class AnnotatedService extends LifecycleTestService {

	}

	@Configuration(proxyBeanMethods = false)
	static class AnnotatedServiceConfiguration {

		@Bean
		AnnotatedService annotatedService() {
			return new AnnotatedService();
		}

	}

	@TripleService(maxAge = "soon")
	static class BadService extends LifecycleTestService {

	}

	@Configuration(proxyBeanMethods = false)
	static class BadAnnotationConfiguration {

		@Bean
		BadService badService() {
			return new BadService();
		}

	}

}
