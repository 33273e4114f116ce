package dev.triplestream.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;

import dev.triplestream.benchmarks.v1.Ping;

/**
 * Scenario 3: whole streams per second. Each worker opens a stream, exchanges one message,
 * half-closes and waits for the server's OK, then starts over. What the starter adds here is paid
 * once per stream: the proxy call, the registry entry, the idle-timeout timer, the leak watch.
 */
final class LifecycleScenario implements Scenario {

	static final String NAME = "lifecycle";

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public void run(Bench bench, Results results) throws Exception {
		BenchOptions options = bench.options();
		for (int workers : options.lifeWorkers()) {
			Map<ClientStyle, long[]> totals = new EnumMap<>(ClientStyle.class);
			Map<ClientStyle, List<String>> rounds = new EnumMap<>(ClientStyle.class);
			for (ClientStyle style : ClientStyle.values()) {
				totals.put(style, new long[2]);
				rounds.put(style, new ArrayList<>());
			}
			int allRounds = options.lifeWarmupRounds() + options.lifeRounds();
			for (int round = 0; round < allRounds; round++) {
				for (ClientStyle style : ClientStyle.order(round)) {
					long[] window = measure(bench, style, workers);
					if (round >= options.lifeWarmupRounds()) {
						totals.get(style)[0] += window[0];
						totals.get(style)[1] += window[1];
						rounds.get(style).add(String.format(Locale.ROOT, "%.0f", window[0] / (window[1] / 1e9)));
					}
				}
			}
			for (ClientStyle.Family family : ClientStyle.Family.values()) {
				double raw = rate(totals.get(family.raw()));
				double starter = rate(totals.get(family.starter()));
				bench.log("lifecycle: %d worker(s), %s: raw %.0f streams/s, starter %.0f streams/s (%.3f)", workers,
						family.label(), raw, starter, starter / raw);
				results.add(new Results.Row(NAME,
						"open, 1 ping-pong, half-close, OK; " + workers + ((workers == 1) ? " worker, " : " workers, ")
								+ family.label(),
						"rate", "streams/s", raw, starter, null, "rounds raw " + String.join("/", rounds.get(family.raw()))
								+ "; starter " + String.join("/", rounds.get(family.starter()))));
			}
		}
	}

	private static double rate(long[] total) {
		return (total[1] > 0) ? total[0] / (total[1] / 1e9) : 0;
	}

	/** Runs {@code workers} threads of one style for one round; returns {streams, nanos}. */
	private static long[] measure(Bench bench, ClientStyle style, int workers) throws Exception {
		LongAdder completed = new LongAdder();
		AtomicReference<Throwable> failure = new AtomicReference<>();
		AtomicBoolean stopping = new AtomicBoolean();
		List<Thread> threads = new ArrayList<>();
		for (int i = 0; i < workers; i++) {
			Thread thread = new Thread(() -> {
				try {
					while (!stopping.get()) {
						cycle(bench.clients(), style);
						completed.increment();
					}
				}
				catch (Throwable ex) {
					failure.compareAndSet(null, ex);
				}
			}, "bench-lifecycle-" + i);
			thread.setDaemon(true);
			threads.add(thread);
		}
		threads.forEach(Thread::start);
		long count;
		long nanos;
		try {
			Thread.sleep(bench.options().lifeSettle().toMillis());
			long startCount = completed.sum();
			long start = System.nanoTime();
			Thread.sleep(bench.options().lifeMeasure().toMillis());
			count = completed.sum() - startCount;
			nanos = System.nanoTime() - start;
		}
		finally {
			stopping.set(true);
			for (Thread thread : threads) {
				thread.join(TIMEOUT.toMillis());
				if (thread.isAlive()) {
					throw new IllegalStateException(thread.getName() + " did not stop within " + TIMEOUT);
				}
			}
		}
		if (failure.get() != null) {
			throw new IllegalStateException(style.label() + ": a stream failed", failure.get());
		}
		bench.awaitQuiet(TIMEOUT);
		return new long[] { count, nanos };
	}

	/** One whole stream: open, one ping-pong, half-close, await OK. */
	static void cycle(Clients clients, ClientStyle style) throws Exception {
		Status status;
		if (style.isAsync()) {
			Exchange exchange = new Exchange();
			StreamObserver<Ping> requests = clients.openAsync(style, Rpc.ECHO, exchange);
			requests.onNext(BenchService.PING);
			exchange.first.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
			requests.onCompleted();
			status = exchange.end.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		}
		else {
			BlockingStream stream = clients.openBlocking(style, Rpc.ECHO);
			stream.send(BenchService.PING);
			if (stream.receive() == null) {
				throw new IllegalStateException("the echo stream ended without echoing");
			}
			stream.halfClose();
			status = stream.awaitEnd();
		}
		if (!status.isOk()) {
			throw status.asRuntimeException();
		}
	}

}
