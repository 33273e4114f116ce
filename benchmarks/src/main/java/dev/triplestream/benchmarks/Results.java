package dev.triplestream.benchmarks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every figure of one benchmark run, in the order measured, with what is known about the machine
 * and the settings. Thread-safe for adding.
 */
final class Results {

	private final List<Row> rows = Collections.synchronizedList(new ArrayList<>());

	private final Map<String, String> environment = Collections.synchronizedMap(new LinkedHashMap<>());

	void add(Row row) {
		this.rows.add(row);
	}

	void environment(String key, Object value) {
		this.environment.put(key, String.valueOf(value));
	}

	List<Row> rows() {
		synchronized (this.rows) {
			return List.copyOf(this.rows);
		}
	}

	Map<String, String> environment() {
		synchronized (this.environment) {
			return new LinkedHashMap<>(this.environment);
		}
	}

	/** The rows of one scenario. */
	List<Row> rows(String scenario) {
		return rows().stream().filter((row) -> row.scenario().equals(scenario)).toList();
	}

	/**
	 * One measured quantity for raw grpc-java and for the starter.
	 *
	 * @param scenario the scenario's name, such as {@code pingpong}
	 * @param subject what was measured, such as {@code async: StreamObserver vs StreamObserver}
	 * @param metric such as {@code p99}
	 * @param unit such as {@code us} or {@code msg/s}
	 * @param raw raw grpc-java's figure, null when raw has no counterpart
	 * @param starter the starter's figure, null when it has no counterpart
	 * @param target the goal the row is held to, or null
	 * @param note how the streams ended, per-round spread and similar detail; may be empty
	 * @param ratios the pairwise starter/raw ratios of the rounds, or null where the figures are not
	 * paired by round
	 * @param control the A/A control's pairwise ratios of the same rounds, or null where the row has
	 * none; see {@link Verdict}
	 */
	record Row(String scenario, String subject, String metric, String unit, Double raw, Double starter,
			Target target, String note, PairedRatios ratios, PairedRatios control) {

		/** A row whose figures are not paired by round. */
		Row(String scenario, String subject, String metric, String unit, Double raw, Double starter, Target target,
				String note) {
			this(scenario, subject, metric, unit, raw, starter, target, note, null, null);
		}

		/**
		 * The median of the pairwise ratios where the rounds are paired, else starter / raw; null
		 * when either figure is missing or raw is zero.
		 */
		Double ratio() {
			if (this.ratios != null) {
				return this.ratios.median();
			}
			if (this.raw == null || this.starter == null || this.raw == 0) {
				return null;
			}
			return this.starter / this.raw;
		}

		/** How the row came out against its target; null without a target. */
		Verdict verdict() {
			return (this.target != null) ? Verdict.of(this.target, this) : null;
		}

		/** Whether the target is met, inconclusive rows not; null without a target. */
		Boolean met() {
			Verdict verdict = verdict();
			return (verdict != null) ? verdict == Verdict.MET : null;
		}

	}

}
