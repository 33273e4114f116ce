package dev.triplestream.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
		List<Contender> contenders = Contender.all(bench);
		for (int workers : options.lifeWorkers()) {
			String cycle = "open, 1 ping-pong, half-close, OK; " + workers + ((workers == 1) ? " worker" : " workers");
			Map<Contender, List<Double>> rates = Rounds.interleaved(bench, NAME + ": " + cycle, contenders,
					options.lifeWarmupRounds(), options.lifeRounds(), (contender) -> measure(bench, contender, workers))
				.rates();
			List<Double> raw = rates.get(Contender.of(contenders, ClientStyle.RAW_OBSERVER));
			List<Double> controlRates = rates.get(Contender.control(contenders));
			PairedRatios control = PairedRatios.of(raw, controlRates);
			for (ClientStyle.Family family : ClientStyle.Family.values()) {
				add(bench, results, Rounds.row(NAME, cycle + ", " + family.label(), "streams/s",
						rates.get(Contender.of(contenders, family.raw())),
						rates.get(Contender.of(contenders, family.starter())), "starter", null, control));
			}
			add(bench, results, Rounds.row(NAME, cycle + ", " + Contender.CONTROL_SUBJECT, "streams/s", raw, controlRates,
					"control", null, null));
		}
	}

	private static void add(Bench bench, Results results, Results.Row row) {
		bench.log("lifecycle: %s: raw %.0f streams/s, other %.0f streams/s, pairwise ratio %.3f (%s)", row.subject(),
				row.raw(), row.starter(), row.ratio(), row.ratios().describe());
		results.add(row);
	}

	/** Runs {@code workers} threads of one contender for one round; returns {streams, nanos}. */
	private static long[] measure(Bench bench, Contender contender, int workers) throws Exception {
		LongAdder completed = new LongAdder();
		AtomicReference<Throwable> failure = new AtomicReference<>();
		AtomicBoolean stopping = new AtomicBoolean();
		List<Thread> threads = new ArrayList<>();
		for (int i = 0; i < workers; i++) {
			Thread thread = new Thread(() -> {
				try {
					while (!stopping.get()) {
						cycle(contender.clients(), contender.style());
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
			// The window opens once streams complete: the first round of a cold JVM can take a while.
			long deadline = System.nanoTime() + TIMEOUT.toNanos();
			while (completed.sum() == 0 && failure.get() == null && System.nanoTime() - deadline < 0) {
				Thread.sleep(5);
			}
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
			throw new IllegalStateException(contender.label() + ": a stream failed", failure.get());
		}
		bench.awaitQuiet(TIMEOUT);
		// The worker threads start and end within the round, so their CPU cannot be told apart.
		return new long[] { count, nanos, -1 };
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
