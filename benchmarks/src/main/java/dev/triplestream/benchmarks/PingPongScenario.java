package dev.triplestream.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import org.HdrHistogram.Histogram;

import dev.triplestream.benchmarks.v1.Ping;

/**
 * Scenario 1: one long-lived bidi stream per style, ten-byte messages in lock step. The blocking
 * styles send and wait on the benchmark thread; the async styles send the next message from
 * {@code onNext}, the way an async client ping-pongs, so no extra thread hop is measured.
 */
final class PingPongScenario implements Scenario {

	static final String NAME = "pingpong";

	private static final double[] PERCENTILES = { 50, 99, 99.9 };

	/** The percentiles compared round by round; a round has too few samples for p99.9. */
	private static final double[] PAIRED = { 50, 99 };

	/** From the issue: p50 and p99 within 3% of raw grpc-java's. */
	static final Target TARGET = Target.ratioAtMost(1.03);

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public void run(Bench bench, Results results) throws Exception {
		BenchOptions options = bench.options();
		List<Contender> contenders = Contender.all(bench);
		Map<Contender, LockStep> streams = new LinkedHashMap<>();
		for (Contender contender : contenders) {
			ClientStyle style = contender.style();
			streams.put(contender, style.isAsync() ? new AsyncLockStep(contender.clients(), style)
					: new BlockingLockStep(contender.clients().openBlocking(style, Rpc.ECHO)));
		}
		Map<Contender, Histogram> histograms = new LinkedHashMap<>();
		Map<Contender, Map<Double, List<Double>>> perRound = new LinkedHashMap<>();
		try {
			int warmupChunk = Math.max(1, options.pingWarmup() / 4);
			for (int round = 0; round < 4; round++) {
				for (Contender contender : Contender.order(contenders, round)) {
					streams.get(contender).exchange(warmupChunk, Latencies.histogram());
				}
			}
			bench.log("pingpong: warmed up (%d exchanges each)", warmupChunk * 4);
			for (Contender contender : contenders) {
				histograms.put(contender, Latencies.histogram());
				Map<Double, List<Double>> percentiles = new LinkedHashMap<>();
				for (double percentile : PAIRED) {
					percentiles.put(percentile, new ArrayList<>());
				}
				perRound.put(contender, percentiles);
			}
			Histogram round = Latencies.histogram();
			for (int index = 0; index < options.pingRounds(); index++) {
				for (Contender contender : Contender.order(contenders, index)) {
					round.reset();
					streams.get(contender).exchange(options.pingPerRound(), round);
					histograms.get(contender).add(round);
					for (double percentile : PAIRED) {
						perRound.get(contender).get(percentile).add(Latencies.micros(round, percentile));
					}
				}
			}
		}
		finally {
			for (LockStep stream : streams.values()) {
				stream.finish();
			}
		}
		for (Contender contender : contenders) {
			Histogram histogram = histograms.get(contender);
			bench.log("pingpong: %s %s p50=%.1fus p99=%.1fus; per round p50 %s, p99 %s", contender.label(),
					Latencies.summary(histogram), Latencies.micros(histogram, 50), Latencies.micros(histogram, 99),
					Rounds.describe(perRound.get(contender).get(50.0)), Rounds.describe(perRound.get(contender).get(99.0)));
		}
		Contender raw = Contender.of(contenders, ClientStyle.RAW_OBSERVER);
		Contender control = Contender.control(contenders);
		for (ClientStyle.Family family : ClientStyle.Family.values()) {
			Contender starter = Contender.of(contenders, family.starter());
			Contender familyRaw = Contender.of(contenders, family.raw());
			add(results, "lock-step latency, " + family.label(), histograms.get(familyRaw), histograms.get(starter),
					(percentile) -> PairedRatios.of(perRound.get(familyRaw).get(percentile),
							perRound.get(starter).get(percentile)),
					(percentile) -> PairedRatios.of(perRound.get(raw).get(percentile),
							perRound.get(control).get(percentile)));
		}
		add(results, "A/A control: raw StreamObserver vs raw StreamObserver on a second channel", histograms.get(raw),
				histograms.get(control), (percentile) -> PairedRatios.of(perRound.get(raw).get(percentile),
						perRound.get(control).get(percentile)), null);
	}

	/**
	 * The rows of one pair of contenders. The figure columns are percentiles of every round pooled;
	 * the ratio of p50 and p99 is the median of the per-round ratios, p99.9 (one or two samples per
	 * round) the ratio of the pooled figures.
	 * @param pairs the pairwise ratios of one percentile
	 * @param controls the A/A control's ratios of one percentile; null for the control's own rows
	 */
	private static void add(Results results, String subject, Histogram raw, Histogram other,
			Function<Double, PairedRatios> pairs, Function<Double, PairedRatios> controls) {
		boolean targets = controls != null;
		for (double percentile : PERCENTILES) {
			boolean paired = percentile < 99.9;
			Target target = (targets && paired) ? TARGET : null;
			String note = "";
			if (percentile == 50) {
				note = targets ? "raw " + Latencies.summary(raw) + "; starter " + Latencies.summary(other)
						: "both columns are raw grpc-java: the spread between two identical clients on this machine";
			}
			results.add(new Results.Row(NAME, subject, "p" + format(percentile), "us", Latencies.micros(raw, percentile),
					Latencies.micros(other, percentile), target, note, paired ? pairs.apply(percentile) : null,
					(targets && paired) ? controls.apply(percentile) : null));
		}
	}

	private static String format(double percentile) {
		return (percentile == Math.rint(percentile)) ? Long.toString((long) percentile) : Double.toString(percentile);
	}

	/** One long-lived echo stream. */
	private interface LockStep {

		/** {@code count} exchanges one after the other, each one's round trip recorded. */
		void exchange(int count, Histogram histogram) throws InterruptedException;

		void finish() throws InterruptedException;

	}

	private static final class BlockingLockStep implements LockStep {

		private final BlockingStream stream;

		BlockingLockStep(BlockingStream stream) {
			this.stream = stream;
		}

		@Override
		public void exchange(int count, Histogram histogram) {
			for (int i = 0; i < count; i++) {
				long sent = System.nanoTime();
				this.stream.send(BenchService.PING);
				if (this.stream.receive() == null) {
					throw new IllegalStateException("the echo stream ended");
				}
				Latencies.record(histogram, System.nanoTime() - sent);
			}
		}

		@Override
		public void finish() {
			this.stream.finish();
		}

	}

	/**
	 * Sends each next message from {@code onNext}. Only one message is in flight at a time, so
	 * the request observer is never used by two threads at once.
	 */
	private static final class AsyncLockStep implements LockStep, ClientResponseObserver<Ping, Ping> {

		private final StreamObserver<Ping> requests;

		private final CountDownLatch ended = new CountDownLatch(1);

		private Histogram histogram;

		private int remaining;

		private long sentAt;

		private CountDownLatch batch;

		private volatile Throwable error;

		AsyncLockStep(Clients clients, ClientStyle style) {
			this.requests = clients.openAsync(style, Rpc.ECHO, this);
		}

		@Override
		public void beforeStart(ClientCallStreamObserver<Ping> requestStream) {
		}

		@Override
		public void exchange(int count, Histogram histogram) throws InterruptedException {
			this.histogram = histogram;
			this.remaining = count;
			this.batch = new CountDownLatch(1);
			CountDownLatch current = this.batch;
			this.sentAt = System.nanoTime();
			this.requests.onNext(BenchService.PING);
			if (!current.await(2, TimeUnit.MINUTES) || this.error != null) {
				throw new IllegalStateException("async ping-pong did not finish", this.error);
			}
		}

		@Override
		public void onNext(Ping value) {
			long now = System.nanoTime();
			Latencies.record(this.histogram, now - this.sentAt);
			if (--this.remaining > 0) {
				this.sentAt = System.nanoTime();
				this.requests.onNext(BenchService.PING);
			}
			else {
				this.batch.countDown();
			}
		}

		@Override
		public void onError(Throwable error) {
			this.error = error;
			CountDownLatch current = this.batch;
			if (current != null) {
				current.countDown();
			}
			this.ended.countDown();
		}

		@Override
		public void onCompleted() {
			this.ended.countDown();
		}

		@Override
		public void finish() throws InterruptedException {
			this.requests.onCompleted();
			this.ended.await(10, TimeUnit.SECONDS);
		}

	}

}
