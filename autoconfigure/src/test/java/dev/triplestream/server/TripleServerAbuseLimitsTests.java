package dev.triplestream.server;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.triplestream.autoconfigure.StreamRegistryAutoConfiguration;
import dev.triplestream.autoconfigure.TripleServerAutoConfiguration;
import dev.triplestream.stream.EndReason;
import dev.triplestream.stream.StreamRegistry;
import dev.triplestream.stream.StreamSide;
import dev.triplestream.test.v1.EchoRequest;
import dev.triplestream.test.v1.EchoServiceGrpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The server's abuse limits (issue 12), each with real grpc-java clients (or a hand-written HTTP/2
 * peer) over loopback, and each showing that another stream on the same server, and where the
 * limit allows on the same connection, keeps exchanging messages and ends OK.
 */
class TripleServerAbuseLimitsTests {

	private static final int MIB = 1024 * 1024;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(StreamRegistryAutoConfiguration.class, SslAutoConfiguration.class,
				TripleServerAutoConfiguration.class))
		.withUserConfiguration(FloodServiceConfiguration.class)
		.withPropertyValues("triple.server.port=0", "triple.server.address=127.0.0.1",
				"triple.server.shutdown.grace-period=200ms");

	private final List<ManagedChannel> channels = new CopyOnWriteArrayList<>();

	@AfterEach
	void closeChannels() {
		this.channels.forEach(ManagedChannel::shutdownNow);
	}

	@Test
	void anOversizeMessageEndsOnlyItsStream() {
		this.runner.withPropertyValues("triple.server.max-inbound-message-size=64KB").run((context) -> {
			RecordedEnds ends = RecordedEnds.of(context.getBean(StreamRegistry.class));
			ManagedChannel channel = loopback(context);
			ChatCall other = new ChatCall(channel);
			other.send(1, "before");
			assertThat(other.next().getText()).isEqualTo("echo: before");

			ChatCall oversize = new ChatCall(channel);
			oversize.send(1, "x".repeat(100_000));
			Status status = oversize.awaitStatus();
			System.out.println("Oversize message: the client saw " + status);
			assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
			RecordedEnds.End end = ends.awaitEnd(1);
			assertThat(end.reason()).isEqualTo(EndReason.LIMIT_EXCEEDED);
			assertThat(end.status().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);

			// The other stream, on the same connection, goes on and ends OK.
			exchangeAndEnd(other, "after");
			assertThat(ends.awaitEnd(2).reason()).isEqualTo(EndReason.COMPLETED);
		});
	}

	@Test
	void anOversizeReplyEndsOnlyThatClientStream() {
		this.runner.run((context) -> {
			ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port(context))
				.usePlaintext()
				.maxInboundMessageSize(64 * 1024)
				.build();
			this.channels.add(channel);
			ChatCall other = new ChatCall(channel);
			other.send(1, "before");
			assertThat(other.next().getText()).isEqualTo("echo: before");
			EchoServiceGrpc.EchoServiceBlockingStub stub = EchoServiceGrpc.newBlockingStub(channel);
			assertThatThrownBy(() -> stub.echo(EchoRequest.newBuilder().setText("100000").build()))
				.isInstanceOfSatisfying(StatusRuntimeException.class, (ex) -> {
					System.out.println("Oversize reply: the client saw " + ex.getStatus());
					assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
				});
			assertThat(stub.echo(EchoRequest.newBuilder().setText("1000").build()).getText()).hasSize(1000);
			exchangeAndEnd(other, "after");
		});
	}

	@Test
	void oversizeMetadataEndsItsCallOrAtWorstItsConnection() {
		this.runner.withPropertyValues("triple.server.max-inbound-metadata-size=2KB").run((context) -> {
			ManagedChannel channel = loopback(context);
			ChatCall other = new ChatCall(channel);
			other.send(1, "before");
			assertThat(other.next().getText()).isEqualTo("echo: before");
			// grpc-java's client knows the server's limit (SETTINGS_MAX_HEADER_LIST_SIZE) and fails the call itself.
			Metadata headers = new Metadata();
			headers.put(Metadata.Key.of("x-padding", Metadata.ASCII_STRING_MARSHALLER), "p".repeat(3 * 1024));
			EchoServiceGrpc.EchoServiceBlockingStub stub = EchoServiceGrpc.newBlockingStub(channel)
				.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
			assertThatThrownBy(() -> stub.echo(EchoRequest.newBuilder().setText("hi").build()))
				.isInstanceOfSatisfying(StatusRuntimeException.class, (ex) -> {
					assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
					assertThat(ex.getStatus().getCause()).hasMessageContaining("Header size exceeded max allowed size");
				});
			String echo = "/triplestream.test.v1.EchoService/Echo";
			// A peer ignoring it: a little over, its stream is answered (HTTP 431) and its connection goes on;
			assertThat(RawHttp2Client.oversizeHeaders(port(context), echo, 2200))
				.isEqualTo(new RawHttp2Client.HeadersAnswer("HEADERS END_STREAM of 5 bytes", "alive"));
			// over a quarter more than the limit, its connection ends (GOAWAY PROTOCOL_ERROR, or FRAME_SIZE_ERROR
			// for a block over one frame).
			assertThat(RawHttp2Client.oversizeHeaders(port(context), echo, 3 * 1024))
				.isEqualTo(new RawHttp2Client.HeadersAnswer(null, "GOAWAY 1"));
			// The server may close before this peer has read its GOAWAY: then the peer sees a reset.
			RawHttp2Client.HeadersAnswer overOneFrame = RawHttp2Client.oversizeHeaders(port(context), echo, 16 * 1024);
			assertThat(overOneFrame.stream()).isNull();
			assertThat(overOneFrame.connection()).isIn("GOAWAY 6", "connection reset");
			exchangeAndEnd(other, "after");
			assertThat(context.getBean(StreamRegistry.class).count(StreamSide.SERVER)).isZero();
		});
	}

	@Test
	void callsOverTheConnectionsLimitWaitWhileOtherConnectionsAreServed() {
		this.runner.withPropertyValues("triple.server.max-concurrent-calls-per-connection=2").run((context) -> {
			StreamRegistry registry = context.getBean(StreamRegistry.class);
			ManagedChannel channel = loopback(context);
			ChatCall first = new ChatCall(channel);
			ChatCall second = new ChatCall(channel);
			first.send(1, "first");
			second.send(1, "second");
			assertThat(first.next().getText()).isEqualTo("echo: first");
			assertThat(second.next().getText()).isEqualTo("echo: second");

			// A third stream on the same connection waits for a place (HTTP/2 MAX_CONCURRENT_STREAMS): not failed.
			ChatCall third = new ChatCall(channel);
			third.send(1, "third");
			await().during(Duration.ofSeconds(1))
				.atMost(Duration.ofSeconds(5))
				.until(() -> !third.isDone() && registry.count(StreamSide.SERVER) == 2);

			// Another connection is served meanwhile.
			ChatCall elsewhere = new ChatCall(loopback(context));
			exchangeAndEnd(elsewhere, "elsewhere");

			// When a place frees, the waiting stream starts, with its message.
			first.halfClose();
			assertThat(first.awaitStatus().getCode()).isEqualTo(Status.Code.OK);
			assertThat(third.next().getText()).isEqualTo("echo: third");
			exchangeAndEnd(second, "second again");
			exchangeAndEnd(third, "third again");
		});
	}

	@Test
	void aClientPingingTooOftenLosesItsConnectionOnly() {
		this.runner.withPropertyValues("triple.server.permit-keepalive-time=1m").run((context) -> {
			ChatCall other = new ChatCall(loopback(context));
			other.send(1, "before");
			assertThat(other.next().getText()).isEqualTo("echo: before");
			RawHttp2Client.GoAway goAway = RawHttp2Client.pingFlood(port(context), 5);
			System.out.println("Ping flood: the server answered with " + goAway);
			assertThat(goAway).isNotNull();
			assertThat(goAway.errorCode()).as("ENHANCE_YOUR_CALM").isEqualTo(0xb);
			assertThat(goAway.debug()).isEqualTo("too_many_pings");
			exchangeAndEnd(other, "after");
		});
	}

	@Test
	void aHandlerIgnoringFlowControlIsEndedAtTheLimitOfWhatItsClientLeavesUnread() {
		this.runner.withPropertyValues("triple.server.streams.max-pending-outbound=4MB").run((context) -> {
			RecordedEnds ends = RecordedEnds.of(context.getBean(StreamRegistry.class));
			FloodTestService service = context.getBean(FloodTestService.class);
			ChatCall other = new ChatCall(loopback(context));
			other.send(1, "before");
			assertThat(other.next().getText()).isEqualTo("echo: before");

			String text = "ignore " + MIB + " 0";
			UnreadCall flooded = new UnreadCall(oneMibWindow(context), text, 64);
			RecordedEnds.End end = ends.awaitEnd(1);
			assertThat(end.reason()).isEqualTo(EndReason.LIMIT_EXCEEDED);
			assertThat(end.status().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
			assertThat(end.status().getDescription()).startsWith("client not reading")
				.endsWith("(triple.server.streams.max-pending-outbound)");
			FloodTestService.Flood flood = service.floods.get(text);
			assertThat(flood.done.await(10, TimeUnit.SECONDS)).isTrue();
			int sent = flood.sent.get();
			System.out.println("Handler ignoring isReady(), 1 MiB messages, client not reading, limit 4MB: ended "
					+ "after " + sent + " messages");
			// The client's 1 MiB window, the 4 MiB limit, one message over it and grpc's 32 KiB threshold.
			assertThat(sent).isBetween(5, 8);

			exchangeAndEnd(other, "meanwhile");
			// The client reads at last: what was sent before the end, then the status.
			flooded.readAll();
			Status status = flooded.awaitStatus();
			assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
			assertThat(flooded.received()).isLessThanOrEqualTo(sent);
		});
	}

	@Test
	void aHandlerRespectingFlowControlIsNeverEndedByTheLimit() {
		this.runner.withPropertyValues("triple.server.streams.max-pending-outbound=1MB").run((context) -> {
			StreamRegistry registry = context.getBean(StreamRegistry.class);
			RecordedEnds ends = RecordedEnds.of(registry);
			FloodTestService service = context.getBean(FloodTestService.class);
			String text = "respect " + MIB;
			UnreadCall flooded = new UnreadCall(oneMibWindow(context), text, 16);
			await().atMost(Duration.ofSeconds(10)).until(() -> {
				FloodTestService.Flood flood = service.floods.get(text);
				return flood != null && flood.pauses.get() > 0;
			});
			// Paused by flow control, far over the limit in all: still open.
			await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(3)).until(() -> ends.ends().isEmpty());
			ChatCall other = new ChatCall(loopback(context));
			exchangeAndEnd(other, "meanwhile");
			flooded.readAll();
			assertThat(flooded.awaitStatus().getCode()).isEqualTo(Status.Code.OK);
			assertThat(flooded.received()).isEqualTo(16);
			await().atMost(Duration.ofSeconds(10)).until(() -> registry.count(StreamSide.SERVER) == 0);
			assertThat(ends.ends()).extracting(RecordedEnds.End::reason).containsOnly(EndReason.COMPLETED);
		});
	}

	@Test
	void aClientThatNeverReadsIsEndedByTheIdleTimeoutWhateverItsHandlerSends() {
		this.runner
			.withPropertyValues("triple.server.streams.idle-timeout=2s", "triple.server.streams.max-pending-outbound=0")
			.run((context) -> {
				RecordedEnds ends = RecordedEnds.of(context.getBean(StreamRegistry.class));
				FloodTestService service = context.getBean(FloodTestService.class);
				// 8 KiB every 20 ms, ignoring isReady(): never idle by its sends, but the client takes none.
				String text = "ignore 8192 20";
				UnreadCall unread = new UnreadCall(oneMibWindow(context), text, 1_000_000);
				ChatCall other = new ChatCall(loopback(context));
				long seq = 1;
				while (ends.ends().isEmpty() && seq < 200) {
					other.send(seq, "active");
					assertThat(other.next().getSeq()).isEqualTo(seq);
					seq++;
					Thread.sleep(100);
				}
				RecordedEnds.End end = ends.awaitEnd(1);
				assertThat(end.reason()).isEqualTo(EndReason.IDLE_TIMEOUT);
				assertThat(end.status().getDescription()).isEqualTo("idle for 2s (triple.server.streams.idle-timeout)");
				FloodTestService.Flood flood = service.floods.get(text);
				assertThat(flood.done.await(10, TimeUnit.SECONDS)).isTrue();
				System.out.println("Client never reading, handler sending 8 KiB every 20 ms: idle timeout after "
						+ flood.sent.get() + " messages sent");
				exchangeAndEnd(other, "after");
				unread.cancel();
			});
	}

	private static void exchangeAndEnd(ChatCall call, String text) throws Exception {
		call.send(100, text);
		assertThat(call.next().getText()).isEqualTo("echo: " + text);
		call.halfClose();
		assertThat(call.awaitStatus().getCode()).isEqualTo(Status.Code.OK);
	}

	private static int port(AssertableApplicationContext context) {
		return context.getBean(TripleServer.class).getPort();
	}

	private ManagedChannel loopback(AssertableApplicationContext context) {
		ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port(context)).usePlaintext().build();
		this.channels.add(channel);
		return channel;
	}

	/** A connection whose flow-control window stays 1 MiB (a set window turns grpc's auto-tuning off). */
	private ManagedChannel oneMibWindow(AssertableApplicationContext context) {
		ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port(context))
			.usePlaintext()
			.flowControlWindow(MIB)
			.build();
		this.channels.add(channel);
		return channel;
	}

	@Configuration(proxyBeanMethods = false)
	static class FloodServiceConfiguration {

		@Bean(destroyMethod = "shutdown")
		FloodTestService floodService() {
			return new FloodTestService();
		}

	}

}
