package dev.triplestream.client;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.triplestream.autoconfigure.RecordingEchoServer;
import dev.triplestream.stream.LifecyclePhases;
import dev.triplestream.test.v1.EchoRequest;
import dev.triplestream.test.v1.EchoResponse;
import dev.triplestream.test.v1.EchoServiceGrpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

@ExtendWith(OutputCaptureExtension.class)
class TripleChannelsTests {

	private static final StreamSettings SETTINGS = new StreamSettings(TimeoutSetting.none("d"),
			TimeoutSetting.none("s"), TimeoutSetting.none("i"), new TimeoutSetting(Duration.ofSeconds(5), "c"));

	private final String serverName = "triple-channels-" + System.nanoTime();

	private RecordingEchoServer server;

	private final AtomicInteger built = new AtomicInteger();

	@BeforeEach
	void startServer() throws Exception {
		this.server = RecordingEchoServer.inProcess("s", this.serverName);
	}

	@AfterEach
	void stopServer() throws Exception {
		this.server.close();
	}

	private ChannelDefinition definition(String name) {
		return new ChannelDefinition(name, "in-process:" + this.serverName, SETTINGS, () -> {
			this.built.incrementAndGet();
			return InProcessChannelBuilder.forName(this.serverName).build();
		});
	}

	@Test
	void unknownNameListsTheKnownOnes() {
		TripleChannels channels = new TripleChannels(List.of(definition("orders"), definition("chat")), false,
				Duration.ofSeconds(1));
		assertThatIllegalArgumentException().isThrownBy(() -> channels.get("nope"))
			.withMessage("No channel is named 'nope'; the configured channels are [chat, orders]");
		assertThat(channels.names()).containsExactly("chat", "orders");
		assertThatIllegalArgumentException().isThrownBy(() -> new TripleChannels(List.of(), false, Duration.ZERO).get("x"))
			.withMessageContaining("none is configured under triple.client.channels");
	}

	@Test
	void lazyChannelIsCreatedOnceOnFirstUse() throws Exception {
		TripleChannels channels = new TripleChannels(List.of(definition("chat")), false, Duration.ofSeconds(1));
		channels.start();
		assertThat(channels.isCreated("chat")).isFalse();
		assertThat(this.built).hasValue(0);
		List<CompletableFuture<ManagedChannel>> concurrent = List.of(
				CompletableFuture.supplyAsync(() -> channels.get("chat")),
				CompletableFuture.supplyAsync(() -> channels.get("chat")),
				CompletableFuture.supplyAsync(() -> channels.get("chat")));
		ManagedChannel first = concurrent.get(0).get(5, TimeUnit.SECONDS);
		for (CompletableFuture<ManagedChannel> other : concurrent) {
			assertThat(other.get(5, TimeUnit.SECONDS)).isSameAs(first);
		}
		assertThat(this.built).hasValue(1);
		assertThat(channels.isCreated("chat")).isTrue();
		channels.stop();
		assertThat(first.isTerminated()).isTrue();
	}

	@Test
	void eagerChannelsAreCreatedAndConnectingAtStart() {
		TripleChannels channels = new TripleChannels(List.of(definition("chat"), definition("orders")), true,
				Duration.ofSeconds(1));
		assertThat(channels.isCreated("chat")).isFalse();
		channels.start();
		assertThat(channels.isCreated("chat")).isTrue();
		assertThat(channels.isCreated("orders")).isTrue();
		assertThat(this.built).hasValue(2);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> channels.get("chat").getState(false) == ConnectivityState.READY);
		channels.stop();
	}

	@Test
	void phaseIsTheChannelsPhase() {
		assertThat(new TripleChannels(List.of(), false, Duration.ZERO).getPhase()).isEqualTo(LifecyclePhases.CHANNELS);
	}

	@Test
	void stopWaitsForOpenCallsThenForcesAndLogsTheChannel(CapturedOutput output) {
		Duration grace = Duration.ofMillis(300);
		TripleChannels channels = new TripleChannels(List.of(definition("chat"), definition("idle")), false, grace);
		channels.start();
		ManagedChannel chat = channels.get("chat");
		ManagedChannel idle = channels.get("idle");
		CompletableFuture<Status> ended = new CompletableFuture<>();
		StreamObserver<EchoRequest> requests = EchoServiceGrpc.newStub(chat).chat(new StreamObserver<>() {
			@Override
			public void onNext(EchoResponse value) {
			}

			@Override
			public void onError(Throwable t) {
				ended.complete(Status.fromThrowable(t));
			}

			@Override
			public void onCompleted() {
				ended.complete(Status.OK);
			}
		});
		requests.onNext(EchoRequest.newBuilder().setText("hello").build());
		await().atMost(Duration.ofSeconds(5)).until(() -> !this.server.headers().isEmpty());

		long start = System.nanoTime();
		channels.stop();
		long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
		System.out.println("stop() with one open call took " + elapsedMillis + " ms, grace " + grace.toMillis() + " ms");

		assertThat(elapsedMillis).isGreaterThanOrEqualTo(grace.toMillis() - 20).isLessThan(5_000);
		assertThat(chat.isShutdown()).isTrue();
		assertThat(idle.isTerminated()).isTrue();
		await().atMost(Duration.ofSeconds(5)).until(chat::isTerminated);
		assertThat(ended).succeedsWithin(Duration.ofSeconds(5))
			.extracting(Status::getCode)
			.isEqualTo(Status.Code.UNAVAILABLE);
		assertThat(output).contains("Channel 'chat' (in-process:" + this.serverName
				+ ") still had calls open after the shutdown grace period of 300ms (triple.client.shutdown.grace-period); forcing it closed");
		assertThat(output).doesNotContain("Channel 'idle'");
	}

	@Test
	void channelNeverCreatedCannotBeCreatedOnceStopped() {
		TripleChannels channels = new TripleChannels(List.of(definition("chat")), false, Duration.ofSeconds(1));
		channels.start();
		channels.stop();
		assertThatIllegalStateException().isThrownBy(() -> channels.get("chat"))
			.withMessageContaining("'chat' was asked for after the channels were shut down");
		channels.start();
		assertThat(channels.get("chat").isShutdown()).isFalse();
		channels.close();
		assertThat(this.built).hasValue(1);
	}

}
