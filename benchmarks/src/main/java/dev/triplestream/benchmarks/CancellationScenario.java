package dev.triplestream.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.grpc.Status;
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
 * end and to the server's cancel callback. grpc-java has no idle timeout, so raw has no figure.</li>
 * </ul>
 * Every sample is a fresh stream that has exchanged one message, so the server handler exists.
 */
final class CancellationScenario implements Scenario {

	static final String NAME = "cancellation";

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	/** How many idle streams wait for their timeout at once. */
	private static final int IDLE_BATCH = 250;

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
	 * Streams of the starter's async style on a channel with a short idle timeout, each left idle
	 * after one exchange. Expiry is taken as the instant the response reached the application plus
	 * the timeout; the runtime marks activity a few microseconds earlier, so the figures are if
	 * anything slightly low.
	 */
	private static void idleTimeout(Bench bench, Results results) throws Exception {
		BenchOptions options = bench.options();
		Duration idle = options.idleTimeout();
		StarterClientSide side = bench.loopback()
			.newStarterClientSide(Loopback.SETTINGS.withIdleTimeout(new TimeoutSetting(idle, "benchmark idle-timeout")),
					options.grace());
		Histogram client = Latencies.histogram();
		Histogram server = Latencies.histogram();
		Histogram both = Latencies.histogram();
		try {
			int left = options.idleStreams();
			while (left > 0) {
				int batch = Math.min(left, IDLE_BATCH);
				left -= batch;
				List<Exchange> exchanges = new ArrayList<>();
				List<ServerProbes.Probe> probes = new ArrayList<>();
				for (int i = 0; i < batch; i++) {
					ServerProbes.Probe probe = bench.loopback().service().probes().create();
					Exchange exchange = new Exchange();
					side.client().echoAsync(exchange).onNext(BenchService.PING.toBuilder().setProbe(probe.id()).build());
					exchanges.add(exchange);
					probes.add(probe);
				}
				for (int i = 0; i < batch; i++) {
					Exchange exchange = exchanges.get(i);
					Status status = exchange.end.get(idle.plus(TIMEOUT).toMillis(), TimeUnit.MILLISECONDS);
					if (status.getCode() != Status.Code.DEADLINE_EXCEEDED) {
						throw new IllegalStateException("an idle stream ended " + status + ", not by its idle timeout");
					}
					long serverDone = probes.get(i).cancelled().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
					long expiry = exchange.firstAt + idle.toNanos();
					Latencies.record(client, exchange.endAt - expiry);
					Latencies.record(server, serverDone - expiry);
					Latencies.record(both, Math.max(exchange.endAt, serverDone) - expiry);
				}
			}
			if (side.registry().count(StreamSide.CLIENT) != 0) {
				throw new IllegalStateException("idle streams left in the registry after their timeout");
			}
		}
		finally {
			side.closeContext();
			side.close();
		}
		bench.awaitQuiet(TIMEOUT);
		String subject = "idle-timeout " + idle.toMillis() + "ms expiry to ";
		add(results, subject + "client done, starter StreamObserver", client);
		add(results, subject + "server cancel callback", server);
		add(results, subject + "both sides done", both);
		bench.log("cancellation: idle timeout %dms: both sides done p50=%.1fus p99=%.1fus after expiry (%s)",
				idle.toMillis(), Latencies.micros(both, 50), Latencies.micros(both, 99), Latencies.summary(both));
	}

	private static void add(Results results, String subject, Histogram histogram) {
		for (double percentile : new double[] { 50, 99 }) {
			results.add(new Results.Row(NAME, subject, "p" + (int) percentile, "us", null,
					Latencies.micros(histogram, percentile), null,
					(percentile == 50) ? "grpc-java has no idle timeout; " + Latencies.summary(histogram) : ""));
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
