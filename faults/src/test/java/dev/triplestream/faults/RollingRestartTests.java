package dev.triplestream.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.context.ConfigurableApplicationContext;

import dev.triplestream.client.BidiStream;
import dev.triplestream.sample.ChatClient;
import dev.triplestream.sample.chat.v1.Tick;
import dev.triplestream.sample.chat.v1.TickRequest;
import dev.triplestream.stream.EndReason;
import dev.triplestream.stream.StreamRegistry;
import dev.triplestream.stream.StreamSide;
import dev.triplestream.stream.TrackedStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A rolling restart: three sample servers behind one {@code static://} channel with
 * {@code round_robin}, 30 clients each holding a tick stream open (and opening a new one whenever
 * theirs ends, as a subscriber would). One server is shut down gracefully: its streams drain (a last
 * tick, OK) or end UNAVAILABLE, and the new streams go to the other two. It comes back, and the
 * servers' {@code max-age} spreads the long-lived streams over it again.
 */
class RollingRestartTests {

	private static final int STREAMS = 30;

	private static final String[] SERVER_ARGS = { "--triple.server.shutdown.grace-period=10s",
			"--triple.server.streams.services[triplestream.sample.chat.v1.ChatService/Ticks].max-age=5s",
			"--triple.server.streams.max-age-grace=1s" };

	@Test
	@Timeout(value = 300, unit = TimeUnit.SECONDS)
	void drainedServerLosesItsStreamsToTheOthersAndMaxAgeBringsThemBack() throws Exception {
		int[] ports = { SampleServer.freePort(), SampleServer.freePort(), SampleServer.freePort() };
		SampleServer[] servers = new SampleServer[3];
		for (int i = 0; i < 3; i++) {
			servers[i] = SampleServer.start(ports[i], SERVER_ARGS);
		}
		Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
		Map<EndReason, LongAdder> drainedServerEnds = new ConcurrentHashMap<>();
		servers[1].registry().addListener(new StreamRegistry.Listener() {

			@Override
			public void opened(TrackedStream stream) {
			}

			@Override
			public void closed(TrackedStream stream) {
				if (stream.side() == StreamSide.SERVER) {
					drainedServerEnds.computeIfAbsent(stream.endReason(), (key) -> new LongAdder()).increment();
				}
			}

		});
		List<AtomicReference<BidiStream<TickRequest, Tick>>> current = new ArrayList<>();
		ExecutorService workers = Executors.newFixedThreadPool(STREAMS);
		try (ConfigurableApplicationContext client = FaultClientApplication.start(
				"triple.client.channels.chat.target=static://127.0.0.1:" + ports[0] + ",127.0.0.1:" + ports[1]
						+ ",127.0.0.1:" + ports[2],
				"triple.client.channels.chat.load-balancing-policy=round_robin")) {
			ChatClient chat = client.getBean(ChatClient.class);
			List<Future<?>> running = new ArrayList<>();
			for (int i = 0; i < STREAMS; i++) {
				AtomicReference<BidiStream<TickRequest, Tick>> slot = new AtomicReference<>();
				current.add(slot);
				running.add(workers.submit(() -> subscribe(chat, slot, outcomes)));
			}
			await("30 streams over the three servers").atMost(Duration.ofSeconds(60))
				.until(() -> open(servers) == STREAMS && servers[0].openStreams() > 0 && servers[1].openStreams() > 0
						&& servers[2].openStreams() > 0);
			int onDrained = servers[1].openStreams();
			System.out.printf("[faults] rolling restart: streams per server before: %d / %d / %d%n",
					servers[0].openStreams(), servers[1].openStreams(), servers[2].openStreams());

			servers[1].close(); // the graceful drain, as at SIGTERM
			await("every stream back, on the other two").atMost(Duration.ofSeconds(60))
				.until(() -> servers[0].openStreams() + servers[2].openStreams() == STREAMS);
			System.out.printf("[faults] after the drain: %d / - / %d; the drained server ended %s (%d open at its"
					+ " shutdown); client outcomes %s%n", servers[0].openStreams(), servers[2].openStreams(),
					drainedServerEnds, onDrained, outcomes);
			assertThat(outcomes.keySet()).as("client outcomes").isSubsetOf("ok", "unavailable");

			servers[1] = SampleServer.start(ports[1], SERVER_ARGS);
			await("max-age spreads streams over the returned server").atMost(Duration.ofSeconds(90))
				.until(() -> servers[1].openStreams() >= 5);
			System.out.printf("[faults] after the return: %d / %d / %d; client outcomes %s%n", servers[0].openStreams(),
					servers[1].openStreams(), servers[2].openStreams(), outcomes);
			assertThat(outcomes.keySet()).as("client outcomes").isSubsetOf("ok", "unavailable");
			assertThat(drainedServerEnds.keySet()).isSubsetOf(EndReason.SHUTDOWN_DRAINED, EndReason.SHUTDOWN_CANCELLED,
					EndReason.MAX_AGE, EndReason.COMPLETED);

			workers.shutdownNow();
			for (AtomicReference<BidiStream<TickRequest, Tick>> slot : current) {
				BidiStream<TickRequest, Tick> stream = slot.get();
				if (stream != null) {
					stream.cancel("test over");
				}
			}
			for (Future<?> worker : running) {
				worker.get(30, TimeUnit.SECONDS);
			}
		}
		finally {
			workers.shutdownNow();
			for (SampleServer server : servers) {
				server.close();
			}
		}
	}

	private static int open(SampleServer[] servers) {
		int open = 0;
		for (SampleServer server : servers) {
			open += server.isRunning() ? server.openStreams() : 0;
		}
		return open;
	}

	/** Holds a tick stream open, opening a new one whenever it ends, until interrupted. */
	private static void subscribe(ChatClient chat, AtomicReference<BidiStream<TickRequest, Tick>> slot,
			Map<String, LongAdder> outcomes) {
		while (!Thread.currentThread().isInterrupted()) {
			BidiStream<TickRequest, Tick> stream = chat.ticks();
			slot.set(stream);
			String outcome;
			try {
				stream.send(TickRequest.newBuilder().setIntervalMs(200).build());
				while (stream.receive() != null) {
					// ticks
				}
				outcome = "ok";
			}
			catch (StatusRuntimeException ex) {
				if (Thread.currentThread().isInterrupted() || ex.getStatus().getCode() == Status.Code.CANCELLED) {
					return; // the test is over
				}
				outcome = (ex.getStatus().getCode() == Status.Code.UNAVAILABLE) ? "unavailable"
						: ex.getStatus().getCode() + ": " + ex.getStatus().getDescription();
			}
			finally {
				stream.close();
			}
			outcomes.computeIfAbsent(outcome, (key) -> new LongAdder()).increment();
		}
	}

}
