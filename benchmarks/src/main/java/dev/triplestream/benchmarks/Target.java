package dev.triplestream.benchmarks;

import java.util.function.Predicate;

/**
 * A goal from the issue that a result row is held to.
 *
 * @param text how the table states it
 * @param check whether a row meets it
 */
record Target(String text, Predicate<Results.Row> check) {

	/** The starter must reach at least {@code min} of raw's figure (rates). */
	static Target ratioAtLeast(double min) {
		return new Target("starter/raw >= " + min, (row) -> row.ratio() != null && row.ratio() >= min);
	}

	/** The starter's figure may exceed raw's by at most {@code max - 1} (latencies). */
	static Target ratioAtMost(double max) {
		return new Target("starter/raw <= " + max, (row) -> row.ratio() != null && row.ratio() <= max);
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
