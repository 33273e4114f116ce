package dev.triplestream.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs contenders in interleaved rounds and keeps each one's figures per round, so that round
 * {@code i} of the starter can be paired with round {@code i} of raw grpc-java
 * ({@link PairedRatios}). Every round and what the JVM did during it (collections, compilation) go
 * to the progress log, so that a slow round can be told from a slow contender.
 * <p>
 * Warm-up goes on past the configured rounds while the compiler is still busy: a warm-up round
 * that spent more than {@link #JIT_SHARE} of its time compiling is followed by another, up to
 * {@link #EXTRA_WARMUP_ROUNDS} more.
 */
final class Rounds {

	/** The share of a round's wall time spent compiling above which the JVM is not warm yet. */
	static final double JIT_SHARE = 0.05;

	/** Warm-up rounds added at most while the compiler is still busy. */
	static final int EXTRA_WARMUP_ROUNDS = 4;

	/**
	 * Whether to collect garbage before each contender's turn ({@code -Dbench.gc-between=true}).
	 * Off by default: the idea was that each turn starts with an empty young generation, but G1's
	 * full collection shrinks the heap (to 68 to 80 MB here), and the turns then had 3.6 young
	 * collections each instead of 0.4.
	 */
	static final boolean GC_BETWEEN = Boolean.getBoolean("bench.gc-between");

	private Rounds() {
	}

	/**
	 * Runs the warm-up rounds, then {@code rounds} measured ones; each measures every contender
	 * once, in the order of {@link Contender#order}, which puts each pair of contenders both ways
	 * round in every two rounds.
	 * @param bench where the per-round lines are logged
	 * @param what the row's name for those lines
	 * @return each contender's figures of the measured rounds, in the order run
	 */
	static Figures interleaved(Bench bench, String what, List<Contender> contenders, int warmupRounds, int rounds,
			Measurement measurement) throws Exception {
		Figures figures = new Figures(new LinkedHashMap<>(), new LinkedHashMap<>());
		for (Contender contender : contenders) {
			figures.rates.put(contender, new ArrayList<>());
			figures.cpuPerItem.put(contender, new ArrayList<>());
		}
		int warmupTarget = warmupRounds;
		int warmup = 0;
		int measured = 0;
		while (measured < rounds) {
			boolean warming = warmup < warmupTarget;
			List<String> line = new ArrayList<>();
			long roundStart = System.nanoTime();
			JvmActivity roundBefore = JvmActivity.now();
			// Measured rounds count their order from zero, so that every two of them are balanced.
			for (Contender contender : Contender.order(contenders, warming ? warmup : measured)) {
				if (GC_BETWEEN) {
					System.gc();
				}
				JvmActivity before = JvmActivity.now();
				long[] window = measurement.measure(contender);
				JvmActivity during = JvmActivity.now().since(before);
				double rate = window[0] / (window[1] / 1e9);
				double cpu = (window[0] > 0 && window[2] >= 0) ? (double) window[2] / window[0] : 0;
				line.add(String.format(Locale.ROOT, "%s %.0f/s %.0fns cpu (%s)", contender.label(), rate, cpu,
						during.describe()));
				if (!warming) {
					figures.rates.get(contender).add(rate);
					figures.cpuPerItem.get(contender).add(cpu);
				}
			}
			JvmActivity roundActivity = JvmActivity.now().since(roundBefore);
			double jitShare = roundActivity.compilationMillis() / ((System.nanoTime() - roundStart) / 1e6);
			bench.log("%s: %s %d: %s", what, warming ? "warm-up round" : "round", warming ? warmup + 1 : measured + 1,
					String.join(", ", line));
			if (warming) {
				warmup++;
				// No warm-up asked for (the smoke test) means none added either.
				if (warmup == warmupTarget && warmupRounds > 0 && jitShare > JIT_SHARE
						&& warmupTarget < warmupRounds + EXTRA_WARMUP_ROUNDS) {
					bench.log("%s: the compiler took %.0f%% of the last warm-up round; warming up once more", what,
							jitShare * 100);
					warmupTarget++;
				}
			}
			else {
				measured++;
			}
		}
		return figures;
	}

	/**
	 * Per-contender figures of the measured rounds.
	 * @param rates count per second
	 * @param cpuPerItem CPU nanoseconds of the Java threads ({@link ThreadCpu}) per message or stream
	 */
	record Figures(Map<Contender, List<Double>> rates, Map<Contender, List<Double>> cpuPerItem) {
	}

	/** One measurement window of one contender. */
	@FunctionalInterface
	interface Measurement {

		/**
		 * @return {count, elapsed nanoseconds, Java threads' CPU nanoseconds} of the window, the
		 * CPU -1 where unknown
		 */
		long[] measure(Contender contender) throws Exception;

	}

	/**
	 * The row of rates: the median round of each side in the figure columns, the median of the
	 * pairwise ratios in the ratio column, every round in the note.
	 * @param otherName what the note calls the second side, such as {@code starter}
	 * @param control the A/A control's ratios of the same rounds, or null
	 */
	static Results.Row row(String scenario, String subject, String unit, List<Double> raw, List<Double> other,
			String otherName, Target target, PairedRatios control) {
		return new Results.Row(scenario, subject, "rate, median round", unit, PairedRatios.median(raw),
				PairedRatios.median(other), target, "rounds raw " + describe(raw) + "; " + otherName + " " + describe(other),
				PairedRatios.of(raw, other), control);
	}

	/** The row of CPU per message or stream, built as {@link #row}; lower is better. */
	static Results.Row cpuRow(String scenario, String subject, String unit, List<Double> raw, List<Double> other,
			String otherName, PairedRatios control) {
		return new Results.Row(scenario, subject, "CPU of Java threads per " + unit + ", median round", "ns",
				PairedRatios.median(raw), PairedRatios.median(other), null,
				"rounds raw " + describe(raw) + "; " + otherName + " " + describe(other), PairedRatios.of(raw, other),
				control);
	}

	/** Such as {@code 81234/79012/80555}, in the order run. */
	static String describe(List<Double> rates) {
		List<String> parts = new ArrayList<>();
		for (double rate : rates) {
			parts.add(String.format(Locale.ROOT, "%.0f", rate));
		}
		return String.join("/", parts);
	}

}
