package dev.triplestream.benchmarks;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

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

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public void run(Bench bench, Results results) throws Exception {
		BenchOptions options = bench.options();
		Map<ClientStyle, LockStep> streams = new EnumMap<>(ClientStyle.class);
		for (ClientStyle style : ClientStyle.values()) {
			streams.put(style, style.isAsync() ? new AsyncLockStep(bench.clients(), style)
					: new BlockingLockStep(bench.clients().openBlocking(style, Rpc.ECHO)));
		}
		Map<ClientStyle, Histogram> histograms = new EnumMap<>(ClientStyle.class);
		try {
			int warmupChunk = Math.max(1, options.pingWarmup() / 4);
			for (int round = 0; round < 4; round++) {
				for (ClientStyle style : ClientStyle.order(round)) {
					streams.get(style).exchange(warmupChunk, Latencies.histogram());
				}
			}
			bench.log("pingpong: warmed up (%d exchanges per style)", warmupChunk * 4);
			for (ClientStyle style : ClientStyle.values()) {
				histograms.put(style, Latencies.histogram());
			}
			for (int round = 0; round < options.pingRounds(); round++) {
				for (ClientStyle style : ClientStyle.order(round)) {
					streams.get(style).exchange(options.pingPerRound(), histograms.get(style));
				}
			}
		}
		finally {
			for (LockStep stream : streams.values()) {
				stream.finish();
			}
		}
		for (ClientStyle style : ClientStyle.values()) {
			bench.log("pingpong: %s %s p50=%.1fus p99=%.1fus", style.label(), Latencies.summary(histograms.get(style)),
					Latencies.micros(histograms.get(style), 50), Latencies.micros(histograms.get(style), 99));
		}
		for (ClientStyle.Family family : ClientStyle.Family.values()) {
			Histogram raw = histograms.get(family.raw());
			Histogram starter = histograms.get(family.starter());
			for (double percentile : PERCENTILES) {
				Target target = (percentile < 99.9) ? Target.ratioAtMost(1.05) : null;
				results.add(new Results.Row(NAME, "lock-step latency, " + family.label(), "p" + format(percentile),
						"us", Latencies.micros(raw, percentile), Latencies.micros(starter, percentile), target,
						(percentile == 50) ? "raw " + Latencies.summary(raw) + "; starter " + Latencies.summary(starter)
								: ""));
			}
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
