package dev.triplestream.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

import dev.triplestream.benchmarks.v1.Ping;

/**
 * Scenario 5: closing the application with open streams.
 * <p>
 * The starter: {@link StarterClientSide#closeContext()}, by default a real
 * {@code ConfigurableApplicationContext.close()} ({@link SpringStarterClientSide}), which half-closes
 * every client stream, waits up to the grace period for them to end, cancels the rest, then closes
 * the channel. Against
 * it, a plain grpc-java channel closed the way other Spring starters close theirs:
 * {@code shutdown()}, {@code awaitTermination(grace)}, {@code shutdownNow()}. That sends no
 * half-close, so even streams whose server would complete at once wait out the grace period and
 * end UNAVAILABLE.
 * <p>
 * Each case has its own channel. The cases that take the grace period run at the same time, so the
 * scenario waits for it once; the cooperative starter cases run alone, as often as configured.
 */
final class ShutdownScenario implements Scenario {

	static final String NAME = "shutdown";

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public void run(Bench bench, Results results) throws Exception {
		BenchOptions options = bench.options();
		for (ClientStyle.Family family : ClientStyle.Family.values()) {
			// Unmeasured: loads and compiles the drain path, and initialises the drain's logging.
			ShutdownCase warmup = new ShutdownCase(bench, family.starter(), Rpc.ECHO,
					Math.min(100, options.shutdownStreams()));
			warmup.open();
			warmup.close();
			bench.awaitQuiet(TIMEOUT);
		}
		Map<ClientStyle.Family, List<Outcome>> cooperative = new EnumMap<>(ClientStyle.Family.class);
		for (int repeat = 0; repeat < options.shutdownRepeats(); repeat++) {
			for (ClientStyle.Family family : ClientStyle.Family.values()) {
				ShutdownCase starter = new ShutdownCase(bench, family.starter(), Rpc.ECHO, options.shutdownStreams());
				starter.open();
				Outcome outcome = starter.close();
				bench.log("shutdown: starter, cooperative, %s: %s", family.label(), outcome);
				cooperative.computeIfAbsent(family, (key) -> new ArrayList<>()).add(outcome);
				bench.awaitQuiet(TIMEOUT);
			}
		}
		List<ShutdownCase> slow = new ArrayList<>();
		for (ClientStyle.Family family : ClientStyle.Family.values()) {
			slow.add(new ShutdownCase(bench, family.raw(), Rpc.ECHO, options.shutdownStreams()));
			slow.add(new ShutdownCase(bench, family.raw(), Rpc.HOLD, options.shutdownStreams()));
			slow.add(new ShutdownCase(bench, family.starter(), Rpc.HOLD, options.shutdownStreams()));
		}
		for (ShutdownCase shutdownCase : slow) {
			shutdownCase.open();
		}
		bench.log("shutdown: %d cases of %d open streams each, closing at once (grace %s)", slow.size(),
				options.shutdownStreams(), options.grace());
		closeTogether(slow);
		bench.awaitQuiet(TIMEOUT);
		for (ShutdownCase shutdownCase : slow) {
			bench.log("shutdown: %s, %s: %s", shutdownCase.style.label(),
					(shutdownCase.rpc == Rpc.ECHO) ? "cooperative" : "never completes", shutdownCase.outcome);
		}
		int streams = options.shutdownStreams();
		String rawPattern = "raw channel: shutdown(), awaitTermination(" + TimeoutFormat.of(options.grace())
				+ "), shutdownNow()";
		for (ClientStyle.Family family : ClientStyle.Family.values()) {
			Outcome raw = find(slow, family.raw(), Rpc.ECHO).outcome;
			List<Outcome> starters = cooperative.get(family);
			Outcome starter = median(starters);
			results.add(new Results.Row(NAME, streams + " streams, server completes on half-close, " + family.label(),
					"context close", "ms", millis(raw.total), millis(starter.total),
					Target.starterBelow(500, "starter < 500 ms"),
					rawPattern + ": " + raw.describeStatuses() + "; starter (" + Loopback.starterClose() + "): "
							+ starter.describeStatuses()
							+ ", drain " + format(starter.drain) + ((starters.size() > 1) ? ", runs " + runs(starters) : "")));
		}
		for (ClientStyle.Family family : ClientStyle.Family.values()) {
			Outcome raw = find(slow, family.raw(), Rpc.HOLD).outcome;
			Outcome starter = find(slow, family.starter(), Rpc.HOLD).outcome;
			results.add(new Results.Row(NAME, streams + " streams, server never completes, " + family.label(),
					"context close", "ms", millis(raw.total), millis(starter.total), null,
					rawPattern + ": " + raw.describeStatuses() + "; starter (" + Loopback.starterClose() + ", grace "
							+ TimeoutFormat.of(options.grace()) + " then cancel): " + starter.describeStatuses() + ", drain " + format(starter.drain)));
		}
	}

	private static ShutdownCase find(List<ShutdownCase> cases, ClientStyle style, Rpc rpc) {
		return cases.stream().filter((each) -> each.style == style && each.rpc == rpc).findFirst().orElseThrow();
	}

	private static Outcome median(List<Outcome> outcomes) {
		List<Outcome> sorted = new ArrayList<>(outcomes);
		sorted.sort((a, b) -> a.total.compareTo(b.total));
		return sorted.get(sorted.size() / 2);
	}

	private static String runs(List<Outcome> outcomes) {
		List<String> parts = new ArrayList<>();
		for (Outcome outcome : outcomes) {
			parts.add(format(outcome.total));
		}
		return String.join("/", parts);
	}

	private static double millis(Duration duration) {
		return duration.toNanos() / 1e6;
	}

	private static String format(Duration duration) {
		return (duration != null) ? String.format(Locale.ROOT, "%.1fms", millis(duration)) : "n/a";
	}

	/** Closes every case in a thread of its own, all released at the same instant. */
	private static void closeTogether(List<ShutdownCase> cases) throws Exception {
		CountDownLatch go = new CountDownLatch(1);
		AtomicReference<Throwable> failure = new AtomicReference<>();
		List<Thread> threads = new ArrayList<>();
		for (ShutdownCase shutdownCase : cases) {
			Thread thread = new Thread(() -> {
				try {
					go.await();
					shutdownCase.close();
				}
				catch (Throwable ex) {
					failure.compareAndSet(null, ex);
				}
			}, "bench-shutdown-" + shutdownCase.style.name().toLowerCase(Locale.ROOT));
			thread.setDaemon(true);
			threads.add(thread);
			thread.start();
		}
		go.countDown();
		for (Thread thread : threads) {
			thread.join();
		}
		if (failure.get() != null) {
			throw new IllegalStateException("a shutdown case failed", failure.get());
		}
	}

	/**
	 * How one close went.
	 * @param total from the start of the close until every stream had ended and the channel was
	 * closed
	 * @param drain the starter's client-stream drain, null for the plain channel
	 * @param statuses how the streams ended, by status code
	 */
	record Outcome(Duration total, Duration drain, Map<Status.Code, Integer> statuses) {

		String describeStatuses() {
			List<String> parts = new ArrayList<>();
			this.statuses.forEach((code, count) -> parts.add(code + " x" + count));
			return String.join(", ", parts);
		}

		@Override
		public String toString() {
			return format(this.total) + ((this.drain != null) ? " (drain " + format(this.drain) + ")" : "") + ", "
					+ describeStatuses();
		}

	}

	/** One channel with its open streams, all of one style and one server behaviour. */
	private static final class ShutdownCase {

		private final Bench bench;

		private final ClientStyle style;

		private final Rpc rpc;

		private final int count;

		private final ManagedChannel rawChannel;

		private final StarterClientSide starter;

		private final Clients clients;

		private final List<Exchange> exchanges = new ArrayList<>();

		private final List<BlockingStream> blockingStreams = new ArrayList<>();

		private volatile Outcome outcome;

		ShutdownCase(Bench bench, ClientStyle style, Rpc rpc, int count) {
			this.bench = bench;
			this.style = style;
			this.rpc = rpc;
			this.count = count;
			if (style.isStarter()) {
				this.rawChannel = null;
				this.starter = bench.loopback().newStarterClientSide(Loopback.SETTINGS, bench.options().grace());
				this.clients = new Clients(null, this.starter.client());
			}
			else {
				this.rawChannel = bench.loopback().newRawChannel();
				this.starter = null;
				this.clients = new Clients(this.rawChannel, null);
			}
		}

		/** Opens the streams; each has exchanged one message when this returns. */
		void open() throws Exception {
			if (this.style.isAsync()) {
				for (int i = 0; i < this.count; i++) {
					Exchange exchange = new Exchange();
					StreamObserver<Ping> requests = this.clients.openAsync(this.style, this.rpc, exchange);
					requests.onNext(BenchService.PING);
					this.exchanges.add(exchange);
				}
				for (Exchange exchange : this.exchanges) {
					exchange.first.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
				}
			}
			else {
				for (int i = 0; i < this.count; i++) {
					BlockingStream stream = this.clients.openBlocking(this.style, this.rpc);
					stream.send(BenchService.PING);
					this.blockingStreams.add(stream);
				}
				for (BlockingStream stream : this.blockingStreams) {
					if (stream.receive() == null) {
						throw new IllegalStateException("a stream ended before the shutdown");
					}
				}
			}
		}

		Outcome close() throws Exception {
			Duration grace = this.bench.options().grace();
			long start = System.nanoTime();
			Duration drain = null;
			if (this.starter != null) {
				drain = this.starter.closeContext().drain();
			}
			else {
				this.rawChannel.shutdown();
				if (!this.rawChannel.awaitTermination(grace.toNanos(), TimeUnit.NANOSECONDS)) {
					this.rawChannel.shutdownNow();
					this.rawChannel.awaitTermination(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
				}
			}
			Map<Status.Code, Integer> statuses = new TreeMap<>();
			for (Exchange exchange : this.exchanges) {
				statuses.merge(exchange.end.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).getCode(), 1, Integer::sum);
			}
			Duration total = Duration.ofNanos(System.nanoTime() - start);
			for (BlockingStream stream : this.blockingStreams) {
				statuses.merge(stream.awaitEnd().getCode(), 1, Integer::sum);
			}
			if (this.starter != null) {
				this.starter.close();
			}
			this.outcome = new Outcome(total, drain, statuses);
			return this.outcome;
		}

	}

}
