package dev.triplestream.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import org.HdrHistogram.Histogram;

import dev.triplestream.benchmarks.v1.Ping;
import dev.triplestream.client.TimeoutSetting;
import dev.triplestream.stream.StreamSide;

/**
 * Scenario 4: how soon the server's handler learns that the client is done with a stream.
 * <ul>
 * <li>{@code cancel()} on the client to the server handler's cancel callback;</li>
 * <li>the client's polite end ({@code close()} of a {@code BidiStream}, {@code halfClose()} of a
 * {@code BlockingClientCall}, {@code onCompleted()} of an observer) to the handler's
 * {@code onCompleted};</li>
 * <li>an idle timeout's expiry (the last message plus the timeout) to the client seeing the stream
 * end and to the server's cancel callback. grpc-java has no idle timeout: its figure is that of an
 * application timer cancelling the stream at the same instant.</li>
 * </ul>
 * Every sample is a fresh stream that has exchanged one message, so the server handler exists.
 */
final class CancellationScenario implements Scenario {

	static final String NAME = "cancellation";

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	/** Between the openings of two idle streams, and so between their expiries. */
	private static final Duration IDLE_SPACING = Duration.ofMillis(1);

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public void run(Bench bench, Results results) throws Exception {
		BenchOptions options = bench.options();
		Map<Kind, Map<ClientStyle, Histogram>> histograms = new EnumMap<>(Kind.class);
		for (Kind kind : Kind.values()) {
			Map<ClientStyle, Histogram> byStyle = new EnumMap<>(ClientStyle.class);
			for (ClientStyle style : ClientStyle.values()) {
				byStyle.put(style, Latencies.histogram());
			}
			histograms.put(kind, byStyle);
		}
		for (ClientStyle style : ClientStyle.values()) {
			for (Kind kind : Kind.values()) {
				Histogram discarded = Latencies.histogram();
				for (int i = 0; i < options.cancelWarmup(); i++) {
					Latencies.record(discarded, sample(bench, style, kind));
				}
			}
		}
		for (int round = 0; round < options.cancelRounds(); round++) {
			for (ClientStyle style : ClientStyle.order(round)) {
				for (Kind kind : Kind.values()) {
					Histogram histogram = histograms.get(kind).get(style);
					for (int i = 0; i < options.cancelPerRound(); i++) {
						Latencies.record(histogram, sample(bench, style, kind));
					}
				}
			}
		}
		bench.awaitQuiet(TIMEOUT);
		for (Kind kind : Kind.values()) {
			for (ClientStyle.Family family : ClientStyle.Family.values()) {
				Histogram raw = histograms.get(kind).get(family.raw());
				Histogram starter = histograms.get(kind).get(family.starter());
				bench.log("cancellation: %s, %s: raw p50=%.1fus p99=%.1fus, starter p50=%.1fus p99=%.1fus", kind.label,
						family.label(), Latencies.micros(raw, 50), Latencies.micros(raw, 99),
						Latencies.micros(starter, 50), Latencies.micros(starter, 99));
				for (double percentile : new double[] { 50, 99 }) {
					Target target = (kind == Kind.CANCEL && percentile == 99)
							? Target.starterBelow(5000, "starter p99 < 5 ms") : null;
					results.add(new Results.Row(NAME, kind.label + ", " + family.label(),
							"p" + (int) percentile, "us", Latencies.micros(raw, percentile),
							Latencies.micros(starter, percentile), target,
							(percentile == 50) ? "raw " + Latencies.summary(raw) + "; starter " + Latencies.summary(starter)
									: ""));
				}
			}
		}
		idleTimeout(bench, results);
	}

	/** One fresh stream ended one way; returns the nanos until the server handler noticed. */
	private static long sample(Bench bench, ClientStyle style, Kind kind) throws Exception {
		ServerProbes.Probe probe = bench.loopback().service().probes().create();
		Ping first = BenchService.PING.toBuilder().setProbe(probe.id()).build();
		long start;
		long noticed;
		Status status;
		if (style.isAsync()) {
			Exchange exchange = new Exchange();
			StreamObserver<Ping> requests = bench.clients().openAsync(style, Rpc.ECHO, exchange);
			requests.onNext(first);
			exchange.first.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
			start = System.nanoTime();
			if (kind == Kind.CANCEL) {
				exchange.requests().cancel("benchmark cancel", null);
			}
			else {
				requests.onCompleted();
			}
			noticed = kind.event(probe).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
			status = exchange.end.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		}
		else {
			BlockingStream stream = bench.clients().openBlocking(style, Rpc.ECHO);
			stream.send(first);
			if (stream.receive() == null) {
				throw new IllegalStateException("the echo stream ended without echoing");
			}
			start = System.nanoTime();
			if (kind == Kind.CANCEL) {
				stream.cancel("benchmark cancel");
				noticed = kind.event(probe).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
				status = stream.awaitEnd();
			}
			else {
				status = stream.finish();
				noticed = kind.event(probe).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
			}
		}
		Status.Code expected = (kind == Kind.CANCEL) ? Status.Code.CANCELLED : Status.Code.OK;
		if (status.getCode() != expected) {
			throw new IllegalStateException(style.label() + " " + kind.label + ": expected " + expected + ", the stream"
					+ " ended " + status);
		}
		return noticed - start;
	}

	/**
	 * Streams left idle after one exchange until something ends them: for the starter, the idle
	 * timeout of its channel; for raw grpc-java, which has none, the application's own
	 * {@link ScheduledExecutorService} cancelling each stream at the same instant (the hand-rolled
	 * equivalent). Raw and starter streams alternate, opened {@link #IDLE_SPACING} apart so that each
	 * expiry is measured alone rather than queued behind hundreds of others on a timer thread.
	 * Expiry is the instant the response reached the application plus the timeout; the starter marks
	 * activity a few microseconds earlier, so its figures are if anything slightly low.
	 */
	private static void idleTimeout(Bench bench, Results results) throws Exception {
		BenchOptions options = bench.options();
		Duration idle = options.idleTimeout();
		StarterClientSide side = bench.loopback()
			.newStarterClientSide(Loopback.SETTINGS.withIdleTimeout(new TimeoutSetting(idle, "benchmark idle-timeout")),
					options.grace());
		ScheduledExecutorService rawTimer = Executors.newSingleThreadScheduledExecutor(
				Loopback.daemonThreads("bench-raw-idle-timer"));
		Map<Boolean, Histogram[]> histograms = Map.of(false, newHistograms(), true, newHistograms());
		try {
			List<IdleStream> streams = new ArrayList<>();
			long next = System.nanoTime();
			for (int i = 0; i < 2 * options.idleStreams(); i++) {
				long wait;
				while ((wait = next - System.nanoTime()) > 0) {
					LockSupport.parkNanos(wait);
				}
				next += IDLE_SPACING.toNanos();
				boolean starter = i % 2 == 1;
				ServerProbes.Probe probe = bench.loopback().service().probes().create();
				IdleStream stream = new IdleStream(starter, probe, starter ? null : rawTimer, idle);
				StreamObserver<Ping> requests = starter ? side.client().echoAsync(stream)
						: bench.clients().openAsync(ClientStyle.RAW_OBSERVER, Rpc.ECHO, stream);
				requests.onNext(BenchService.PING.toBuilder().setProbe(probe.id()).build());
				streams.add(stream);
			}
			for (IdleStream stream : streams) {
				Status status = stream.end.get(idle.plus(TIMEOUT).toMillis(), TimeUnit.MILLISECONDS);
				Status.Code expected = stream.starter ? Status.Code.DEADLINE_EXCEEDED : Status.Code.CANCELLED;
				if (status.getCode() != expected) {
					throw new IllegalStateException("an idle stream ended " + status + ", expected " + expected);
				}
				long serverDone = stream.probe.cancelled().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
				long expiry = stream.firstAt + idle.toNanos();
				Histogram[] target = histograms.get(stream.starter);
				Latencies.record(target[0], stream.endAt - expiry);
				Latencies.record(target[1], serverDone - expiry);
				Latencies.record(target[2], Math.max(stream.endAt, serverDone) - expiry);
			}
			if (!side.registry().awaitEmpty(StreamSide.CLIENT, TIMEOUT)) {
				throw new IllegalStateException("idle streams left in the registry after their timeout");
			}
		}
		finally {
			rawTimer.shutdownNow();
			side.closeContext();
			side.close();
		}
		bench.awaitQuiet(TIMEOUT);
		String subject = "idle " + idle.toMillis() + "ms, expiry to ";
		String[] ends = { "client done", "server cancel callback", "both sides done" };
		for (int i = 0; i < ends.length; i++) {
			Histogram raw = histograms.get(false)[i];
			Histogram starter = histograms.get(true)[i];
			for (double percentile : new double[] { 50, 99 }) {
				results.add(new Results.Row(NAME, subject + ends[i] + ", async StreamObserver", "p" + (int) percentile,
						"us", Latencies.micros(raw, percentile), Latencies.micros(starter, percentile), null,
						(percentile == 50) ? "raw: the application's ScheduledExecutorService cancels at expiry; raw "
								+ Latencies.summary(raw) + "; starter idle-timeout " + Latencies.summary(starter) : ""));
			}
		}
		Histogram both = histograms.get(true)[2];
		bench.log("cancellation: idle timeout %dms: starter both sides done p50=%.1fus p99=%.1fus after expiry (%s)",
				idle.toMillis(), Latencies.micros(both, 50), Latencies.micros(both, 99), Latencies.summary(both));
	}

	/** Client done, server done, both done. */
	private static Histogram[] newHistograms() {
		return new Histogram[] { Latencies.histogram(), Latencies.histogram(), Latencies.histogram() };
	}

	/**
	 * One stream left idle after its first response; for raw streams, cancels itself when the
	 * timeout has passed since that response, as an application would with its own timer.
	 */
	private static final class IdleStream implements ClientResponseObserver<Ping, Ping> {

		final boolean starter;

		final ServerProbes.Probe probe;

		final CompletableFuture<Status> end = new CompletableFuture<>();

		private final ScheduledExecutorService timer;

		private final Duration idle;

		private ClientCallStreamObserver<Ping> requests;

		volatile long firstAt;

		volatile long endAt;

		IdleStream(boolean starter, ServerProbes.Probe probe, ScheduledExecutorService timer, Duration idle) {
			this.starter = starter;
			this.probe = probe;
			this.timer = timer;
			this.idle = idle;
		}

		@Override
		public void beforeStart(ClientCallStreamObserver<Ping> requestStream) {
			this.requests = requestStream;
		}

		@Override
		public void onNext(Ping value) {
			this.firstAt = System.nanoTime();
			if (this.timer != null) {
				this.timer.schedule(() -> this.requests.cancel("idle", null), this.idle.toNanos(), TimeUnit.NANOSECONDS);
			}
		}

		@Override
		public void onError(Throwable error) {
			this.endAt = System.nanoTime();
			this.end.complete(Status.fromThrowable(error));
		}

		@Override
		public void onCompleted() {
			this.endAt = System.nanoTime();
			this.end.complete(Status.OK);
		}

	}

	private enum Kind {

		CANCEL("cancel() to server cancel callback"),

		CLOSE("close()/half-close to server onCompleted");

		private final String label;

		Kind(String label) {
			this.label = label;
		}

		CompletableFuture<Long> event(ServerProbes.Probe probe) {
			return (this == CANCEL) ? probe.cancelled() : probe.halfClosed();
		}

	}

}
