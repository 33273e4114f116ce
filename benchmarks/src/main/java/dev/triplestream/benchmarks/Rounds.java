package dev.triplestream.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Per-round rates. The median round is the reported figure: on a shared machine one round in a
 * few is hit by something else running, and the median ignores it where a mean would not.
 */
final class Rounds {

	private Rounds() {
	}

	/**
	 * Runs {@code warmupRounds + rounds} rounds; each measures every contender once, in an order
	 * that rotates from round to round so that noise hits all of them. Returns each contender's
	 * rates (count per second) of the rounds after the warm-up, in the order run.
	 */
	static Map<Contender, List<Double>> interleaved(List<Contender> contenders, int warmupRounds, int rounds,
			Measurement measurement) throws Exception {
		Map<Contender, List<Double>> rates = new LinkedHashMap<>();
		for (Contender contender : contenders) {
			rates.put(contender, new ArrayList<>());
		}
		for (int round = 0; round < warmupRounds + rounds; round++) {
			for (Contender contender : Contender.order(contenders, round)) {
				long[] window = measurement.measure(contender);
				if (round >= warmupRounds) {
					rates.get(contender).add(window[0] / (window[1] / 1e9));
				}
			}
		}
		return rates;
	}

	/** One measurement window of one contender. */
	@FunctionalInterface
	interface Measurement {

		/** @return {count, elapsed nanoseconds} */
		long[] measure(Contender contender) throws Exception;

	}

	static double median(List<Double> rates) {
		if (rates.isEmpty()) {
			return 0;
		}
		List<Double> sorted = new ArrayList<>(rates);
		sorted.sort(null);
		int middle = sorted.size() / 2;
		return (sorted.size() % 2 == 1) ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
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
