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
			Map<Contender, List<Double>> rates = Rounds.interleaved(contenders, options.lifeWarmupRounds(),
					options.lifeRounds(), (contender) -> measure(bench, contender, workers));
			String cycle = "open, 1 ping-pong, half-close, OK; " + workers + ((workers == 1) ? " worker, " : " workers, ");
			for (ClientStyle.Family family : ClientStyle.Family.values()) {
				add(bench, results, cycle + family.label(), rates.get(Contender.of(contenders, family.raw())),
						rates.get(Contender.of(contenders, family.starter())), "starter");
			}
			add(bench, results, cycle + "A/A control: raw StreamObserver vs raw StreamObserver on a second channel",
					rates.get(Contender.of(contenders, ClientStyle.RAW_OBSERVER)),
					rates.get(Contender.control(contenders)), "control");
		}
	}

	private static void add(Bench bench, Results results, String subject, List<Double> raw, List<Double> other,
			String otherName) {
		double rawRate = Rounds.median(raw);
		double otherRate = Rounds.median(other);
		bench.log("lifecycle: %s: raw %.0f streams/s, %s %.0f streams/s (%.3f)", subject, rawRate, otherName, otherRate,
				otherRate / rawRate);
		results.add(new Results.Row(NAME, subject, "rate, median round", "streams/s", rawRate, otherRate, null,
				"rounds raw " + Rounds.describe(raw) + "; " + otherName + " " + Rounds.describe(other)));
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
