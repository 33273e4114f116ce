package dev.triplestream.lifecycle;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.logging.Filter;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.convert.DurationStyle;

import static org.awaitility.Awaitility.await;

/**
 * A seeded randomized test of the client and server stream lifecycles together: in each run, many
 * streams of every client shape over loopback and in-process, several application threads per
 * stream sending, receiving, half-closing, cancelling, closing and interrupting at random moments,
 * against handlers that echo, complete, never complete, fail, throw or are slow; random deadlines,
 * idle timeouts, close timeouts, server limits, operator cancels and garbage collections; and a
 * shutdown of both sides at a random moment. {@link RunChecks} lists the invariants checked after
 * each run; across runs, threads and heap must not grow.
 * <p>
 * System properties: {@code triplestream.lifecycle.seed} (the first run's seed; a failure prints
 * the seed of the run that failed, which replays it first), {@code triplestream.lifecycle.duration}
 * (how long to keep starting runs, default 25s; the {@code soak} profile sets 10m),
 * {@code triplestream.lifecycle.runs} (at most this many runs),
 * {@code triplestream.lifecycle.streams} (at most this many streams a run, default 30) and
 * {@code triplestream.lifecycle.keep-going} (report a failed run and go on; fail at the end). The plan of
 * a run follows from its seed; the interleaving of its threads is the machine's.
 */
class RandomizedLifecycleTests {

	private static final String PREFIX = "triplestream.lifecycle.";

	/** Threads allowed above the count after the first run: grpc's shared pools come and go. */
	private static final int THREAD_MARGIN = 12;

	/** Heap allowed above the used heap after the second run, after a collection. */
	private static final long HEAP_MARGIN = 64L * 1024 * 1024;

	/** grpc logs what a handler throws: the planned failures of {@link ScriptedEchoService} are noise. */
	private static final Logger GRPC_EXECUTOR = Logger.getLogger("io.grpc.internal.SerializingExecutor");

	private static Filter grpcFilter;

	@BeforeAll
	static void quietPlannedHandlerFailures() {
		grpcFilter = GRPC_EXECUTOR.getFilter();
		GRPC_EXECUTOR.setFilter((record) -> record.getThrown() == null || record.getThrown().getMessage() == null
				|| !record.getThrown().getMessage().startsWith(ScriptedEchoService.PLANNED_FAILURE));
	}

	@AfterAll
	static void restoreGrpcLogging() {
		GRPC_EXECUTOR.setFilter(grpcFilter);
	}

	@Test
	void streamsEndOnceOnBothSidesWhateverHappensToThem() {
		long seed = Long.getLong(PREFIX + "seed", new SplittableRandom().nextLong());
		Duration duration = DurationStyle.detectAndParse(System.getProperty(PREFIX + "duration", "25s"));
		int maxRuns = Integer.getInteger(PREFIX + "runs", Integer.MAX_VALUE);
		int maxStreams = Integer.getInteger(PREFIX + "streams", 30);
		boolean keepGoing = Boolean.getBoolean(PREFIX + "keep-going");
		List<String> failures = new ArrayList<>();
		System.out.println("Randomized lifecycle test: seed " + seed + " (-D" + PREFIX + "seed=" + seed
				+ " replays it), for " + duration + ", at most " + maxStreams + " streams a run");
		SoakFigures figures = new SoakFigures();
		long until = System.nanoTime() + duration.toNanos();
		long runSeed = seed;
		int baselineThreads = -1;
		long baselineHeap = -1;
		long lastReport = System.nanoTime();
		for (int index = 0; index < maxRuns && (index == 0 || System.nanoTime() < until); index++) {
			RunPlan plan = RunPlan.random(runSeed, "r" + index, maxStreams);
			LifecycleRun run = new LifecycleRun(plan, "r" + index);
			run.execute();
			RunChecks checks = RunChecks.of(run);
			figures.add(run, checks);
			if (!checks.violations().isEmpty()) {
				String failure = failure(runSeed, index, plan, checks.violations(), figures);
				if (!keepGoing) {
					throw new AssertionError(failure);
				}
				System.out.println(failure);
				failures.add(failure);
			}
			if (index == 0) {
				baselineThreads = settledThreads();
				figures.sample("threads after run 0: " + baselineThreads);
			}
			else {
				int bound = baselineThreads + THREAD_MARGIN;
				if (!threadsAtMost(bound)) {
					throw new AssertionError(failure(runSeed, index, plan, List.of("threads grew: " + liveThreads()
							+ " live after the run, more than " + bound + " (" + baselineThreads + " after run 0): "
							+ threadNames()), figures));
				}
			}
			if (index == 1) {
				baselineHeap = usedHeapAfterGc();
				figures.sample("heap after run 1: " + (baselineHeap >> 20) + " MiB");
			}
			if (System.nanoTime() - lastReport > Duration.ofMinutes(1).toNanos()) {
				lastReport = System.nanoTime();
				System.out.println("Randomized lifecycle test, so far: " + figures);
			}
			runSeed = new SplittableRandom(runSeed).split().nextLong();
		}
		if (baselineHeap >= 0 && figures.runs() > 2) {
			long heap = usedHeapAfterGc();
			figures.sample("heap after the last run: " + (heap >> 20) + " MiB");
			figures.sample("threads after the last run: " + liveThreads());
			if (heap > baselineHeap + HEAP_MARGIN + baselineHeap / 2) {
				throw new AssertionError("Heap grew from " + (baselineHeap >> 20) + " MiB after run 1 to " + (heap >> 20)
						+ " MiB after run " + (figures.runs() - 1) + " (seed " + seed + "): " + figures);
			}
		}
		if (!failures.isEmpty()) {
			throw new AssertionError(failures.size() + " run(s) failed, the first: " + failures.get(0));
		}
		System.out.println("Randomized lifecycle test passed: " + figures);
	}

	private static String failure(long runSeed, int index, RunPlan plan, List<String> violations,
			SoakFigures figures) {
		StringBuilder message = new StringBuilder("Randomized lifecycle run " + index + " failed; replay it with -D"
				+ PREFIX + "seed=" + runSeed + " (" + plan.summary() + "):");
		violations.stream().limit(25).forEach((violation) -> message.append("\n  - ").append(violation));
		if (violations.size() > 25) {
			message.append("\n  ... and ").append(violations.size() - 25).append(" more");
		}
		return message.append("\nSo far: ").append(figures).toString();
	}

	/** The live thread count once it has stopped changing (grpc releases its shared pools lazily). */
	private static int settledThreads() {
		int[] last = { liveThreads() };
		await().atMost(Duration.ofSeconds(20)).pollDelay(Duration.ofSeconds(2)).pollInterval(Duration.ofSeconds(2))
			.until(() -> {
				int now = liveThreads();
				boolean settled = now == last[0];
				last[0] = now;
				return settled;
			});
		return last[0];
	}

	private static boolean threadsAtMost(int bound) {
		try {
			await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
				.until(() -> liveThreads() <= bound);
			return true;
		}
		catch (org.awaitility.core.ConditionTimeoutException ex) {
			return false;
		}
	}

	private static int liveThreads() {
		return ManagementFactory.getThreadMXBean().getThreadCount();
	}

	private static String threadNames() {
		return Thread.getAllStackTraces().keySet().stream().map(Thread::getName).sorted().toList().toString();
	}

	private static long usedHeapAfterGc() {
		System.gc();
		System.gc();
		return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
	}

}
