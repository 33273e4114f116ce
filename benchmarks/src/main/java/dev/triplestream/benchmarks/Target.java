package dev.triplestream.benchmarks;

import java.util.function.DoublePredicate;
import java.util.function.Predicate;

/**
 * A goal from the issue that a result row is held to.
 *
 * @param text how the table states it
 * @param check whether a row meets it
 * @param ratioCheck for a goal on the starter/raw ratio, whether a ratio meets it; null for other
 * goals
 */
record Target(String text, Predicate<Results.Row> check, DoublePredicate ratioCheck) {

	Target(String text, Predicate<Results.Row> check) {
		this(text, check, null);
	}

	/** The starter must reach at least {@code min} of raw's figure (rates). */
	static Target ratioAtLeast(double min) {
		return ratio("starter/raw >= " + min, (ratio) -> ratio >= min - 1e-9);
	}

	/** The starter's figure may exceed raw's by at most {@code max - 1} (latencies). */
	static Target ratioAtMost(double max) {
		return ratio("starter/raw <= " + max, (ratio) -> ratio <= max + 1e-9);
	}

	private static Target ratio(String text, DoublePredicate ratioCheck) {
		return new Target(text, (row) -> row.ratio() != null && ratioCheck.test(row.ratio()), ratioCheck);
	}

	/** An absolute ceiling on the starter's figure, in the row's unit. */
	static Target starterBelow(double limit, String text) {
		return new Target(text, (row) -> row.starter() != null && row.starter() < limit);
	}

	/** A ceiling on what the starter adds to raw's figure, in the row's unit. */
	static Target extraBelow(double limit, String text) {
		return new Target(text,
				(row) -> row.raw() != null && row.starter() != null && row.starter() - row.raw() < limit);
	}

	boolean isMetBy(Results.Row row) {
		return this.check.test(row);
	}

}
