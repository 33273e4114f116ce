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
	 */
	record Row(String scenario, String subject, String metric, String unit, Double raw, Double starter,
			Target target, String note) {

		/** starter / raw, or null when either is missing or raw is zero. */
		Double ratio() {
			if (this.raw == null || this.starter == null || this.raw == 0) {
				return null;
			}
			return this.starter / this.raw;
		}

		/** Whether the target is met; null without a target. */
		Boolean met() {
			return (this.target != null) ? this.target.isMetBy(this) : null;
		}

	}

}
