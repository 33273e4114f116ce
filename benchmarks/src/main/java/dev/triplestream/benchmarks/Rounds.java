package dev.triplestream.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Per-round rates. The median round is the reported figure: on a shared machine one round in a
 * few is hit by something else running, and the median ignores it where a mean would not.
 */
final class Rounds {

	private Rounds() {
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
