package dev.triplestream.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import dev.triplestream.benchmarks.v1.Ping;
import dev.triplestream.client.TripleChannels;
import dev.triplestream.stream.StreamSide;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter client side backed by a real application context: its client and channel come from
 * the context and share the harness's transport, and closing it is the context's close, which ends
 * cooperative streams OK in about a round trip and cancels the others after the grace period.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SpringStarterClientSideTest {

	private static final Duration GRACE = Duration.ofMillis(500);

	private static final int STREAMS = 20;

	private Loopback loopback;

	@BeforeAll
	void startServer() throws Exception {
		this.loopback = new Loopback();
	}

	@AfterAll
	void stopServer() throws Exception {
		this.loopback.close();
	}

	@Test
	void clientAndChannelComeFromTheContextOnTheHarnessTransport() throws Exception {
		try (SpringStarterClientSide side = new SpringStarterClientSide(this.loopback, Loopback.SETTINGS, GRACE)) {
			assertThat(side.context().getBean(BenchClient.class)).isSameAs(side.client());
			assertThat(side.context().getBean(TripleChannels.class).names()).containsExactly("bench");
			CompletableFuture<String> callbackThread = new CompletableFuture<>();
			CompletableFuture<Status> end = new CompletableFuture<>();
			StreamObserver<Ping> requests = side.client().echoAsync(new StreamObserver<>() {

				@Override
				public void onNext(Ping value) {
					callbackThread.complete(Thread.currentThread().getName());
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
			requests.onNext(BenchService.PING);
			// the harness's client executor, not grpc-java's default one
			assertThat(callbackThread.get(10, TimeUnit.SECONDS)).startsWith("bench-client-");
			assertThat(side.registry().count(StreamSide.CLIENT)).isEqualTo(1);
			requests.onCompleted();
			assertThat(end.get(10, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.OK);
			ManagedChannel channel = side.context().getBean(TripleChannels.class).get("bench");
			side.closeContext();
			assertThat(side.context().isActive()).isFalse();
			assertThat(channel.isTerminated()).isTrue();
		}
	}

	@Test
	void contextCloseEndsCooperativeStreamsOkWithinTheGracePeriod() throws Exception {
		try (SpringStarterClientSide side = new SpringStarterClientSide(this.loopback, Loopback.SETTINGS, GRACE)) {
			List<Exchange> exchanges = open(side, Rpc.ECHO);
			StarterClientSide.ContextClose close = side.closeContext();
			System.out.println("context close, " + STREAMS + " cooperative streams: " + close);
			for (Exchange exchange : exchanges) {
				assertThat(exchange.end.get(10, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.OK);
			}
			assertThat(close.drain()).isNotNull().isLessThanOrEqualTo(close.total());
			assertThat(close.total()).isLessThan(GRACE);
			assertThat(side.registry().count(StreamSide.CLIENT)).isZero();
		}
		this.loopback.awaitServerIdle(Duration.ofSeconds(10));
	}

	@Test
	void contextCloseCancelsStreamsThatNeverCompleteAfterTheGracePeriod() throws Exception {
		try (SpringStarterClientSide side = new SpringStarterClientSide(this.loopback, Loopback.SETTINGS, GRACE)) {
			List<Exchange> exchanges = open(side, Rpc.HOLD);
			StarterClientSide.ContextClose close = side.closeContext();
			System.out.println("context close, " + STREAMS + " streams that never complete: " + close);
			for (Exchange exchange : exchanges) {
				assertThat(exchange.end.get(10, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.CANCELLED);
			}
			assertThat(close.drain()).isNotNull().isGreaterThanOrEqualTo(GRACE);
			assertThat(close.total()).isGreaterThanOrEqualTo(close.drain());
			assertThat(side.registry().count(StreamSide.CLIENT)).isZero();
		}
		this.loopback.awaitServerIdle(Duration.ofSeconds(10));
	}

	private static List<Exchange> open(SpringStarterClientSide side, Rpc rpc) throws Exception {
		Clients clients = new Clients(null, side.client());
		List<Exchange> exchanges = new ArrayList<>();
		for (int i = 0; i < STREAMS; i++) {
			Exchange exchange = new Exchange();
			clients.openAsync(ClientStyle.STARTER_OBSERVER, rpc, exchange).onNext(BenchService.PING);
			exchanges.add(exchange);
		}
		for (Exchange exchange : exchanges) {
			exchange.first.get(10, TimeUnit.SECONDS);
		}
		return exchanges;
	}

}
