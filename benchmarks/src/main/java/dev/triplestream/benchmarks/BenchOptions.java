package dev.triplestream.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * How long and how big each scenario runs. {@link #full()} is the published run; {@link #quick()}
 * a shorter one with the same stream counts; {@link #smoke()} only checks that every scenario still
 * works (the test suite runs it).
 *
 * @param scenarios the scenarios to run, by name
 * @param pingWarmup lock-step exchanges per style before measuring
 * @param pingRounds measured rounds (styles rotate their order each round)
 * @param pingPerRound exchanges per style and round
 * @param flowStreams the concurrent stream counts of the throughput scenario
 * @param flowWarmupRounds unmeasured rounds before the measured ones
 * @param flowRounds measured rounds
 * @param flowSettle how long each round runs before its measurement window opens
 * @param flowMeasure the measurement window of each round
 * @param lifeWorkers the concurrent worker counts of the lifecycle scenario
 * @param lifeWarmupRounds unmeasured rounds
 * @param lifeRounds measured rounds
 * @param lifeSettle as for throughput
 * @param lifeMeasure as for throughput
 * @param cancelWarmup unmeasured samples per style and kind
 * @param cancelRounds measured rounds
 * @param cancelPerRound samples per style, kind and round
 * @param idleStreams streams left idle until their idle timeout ends them
 * @param idleTimeout the idle timeout of those streams
 * @param shutdownStreams open streams when the context closes
 * @param shutdownRepeats repetitions of the quick (cooperative) shutdown cases
 * @param grace the starter's shutdown grace period, and the {@code awaitTermination} of the plain
 * channel pattern
 * @param scaleStreams concurrent idle streams of the scale scenario
 * @param output the JSON file; the CSV goes beside it
 */
record BenchOptions(Set<String> scenarios, int pingWarmup, int pingRounds, int pingPerRound,
		List<Integer> flowStreams, int flowWarmupRounds, int flowRounds, Duration flowSettle, Duration flowMeasure,
		List<Integer> lifeWorkers, int lifeWarmupRounds, int lifeRounds, Duration lifeSettle, Duration lifeMeasure,
		int cancelWarmup, int cancelRounds, int cancelPerRound, int idleStreams, Duration idleTimeout,
		int shutdownStreams, int shutdownRepeats, Duration grace, int scaleStreams, Path output) {

	static final List<String> ALL = List.of(PingPongScenario.NAME, ThroughputScenario.NAME, LifecycleScenario.NAME,
			CancellationScenario.NAME, ShutdownScenario.NAME, ScaleScenario.NAME);

	static BenchOptions full() {
		return new BenchOptions(new LinkedHashSet<>(ALL), 20_000, 50, 1_000, List.of(1, 64), 2, 16,
				Duration.ofMillis(300), Duration.ofMillis(700), List.of(1, 16), 1, 10, Duration.ofMillis(200),
				Duration.ofMillis(600), 200, 100, 20, 1000, Duration.ofMillis(200), 1000, 5, Duration.ofSeconds(30),
				10_000, defaultOutput());
	}

	static BenchOptions quick() {
		return new BenchOptions(new LinkedHashSet<>(ALL), 5_000, 20, 500, List.of(1, 64), 1, 8,
				Duration.ofMillis(200), Duration.ofMillis(500), List.of(1, 16), 1, 6, Duration.ofMillis(200),
				Duration.ofMillis(400), 100, 25, 20, 300, Duration.ofMillis(200), 1000, 1, Duration.ofSeconds(5),
				10_000, defaultOutput());
	}

	/** Seconds in all: proves that each scenario runs and produces sane figures, nothing more. */
	static BenchOptions smoke() {
		return new BenchOptions(new LinkedHashSet<>(ALL), 200, 2, 100, List.of(1, 4), 0, 1, Duration.ofMillis(50),
				Duration.ofMillis(150), List.of(1, 2), 0, 1, Duration.ofMillis(50), Duration.ofMillis(150), 10, 2, 10,
				20, Duration.ofMillis(100), 50, 1, Duration.ofSeconds(2), 200, defaultOutput());
	}

	/**
	 * Reads the command line: {@code --quick}, {@code --smoke}, {@code --scenario=a,b},
	 * {@code --time-factor=F}, {@code --grace=30s}, {@code --shutdown-streams=N},
	 * {@code --scale-streams=N}, {@code --flow-streams=1,64}, {@code --lifecycle-workers=1,16},
	 * {@code --out=file.json}.
	 * @throws IllegalArgumentException naming the argument at fault
	 */
	static BenchOptions parse(String... args) {
		BenchOptions options = full();
		for (String arg : args) {
			if (arg.equals("--quick")) {
				options = quick().withOutput(options.output());
			}
			else if (arg.equals("--smoke")) {
				options = smoke().withOutput(options.output());
			}
		}
		for (String arg : args) {
			String value = arg.contains("=") ? arg.substring(arg.indexOf('=') + 1) : "";
			if (arg.equals("--quick") || arg.equals("--smoke")) {
				continue;
			}
			if (arg.startsWith("--scenario=")) {
				Set<String> selected = new LinkedHashSet<>();
				for (String name : value.split(",")) {
					String trimmed = name.trim().toLowerCase(Locale.ROOT);
					if (!ALL.contains(trimmed)) {
						throw new IllegalArgumentException("--scenario: unknown scenario '" + name + "'; known: " + ALL);
					}
					selected.add(trimmed);
				}
				options = options.withScenarios(selected);
			}
			else if (arg.startsWith("--time-factor=")) {
				options = options.scaled(positiveDouble(arg, value));
			}
			else if (arg.startsWith("--grace=")) {
				options = options.withGrace(duration(arg, value));
			}
			else if (arg.startsWith("--shutdown-streams=")) {
				options = options.withShutdownStreams(positiveInt(arg, value));
			}
			else if (arg.startsWith("--scale-streams=")) {
				options = options.withScaleStreams(positiveInt(arg, value));
			}
			else if (arg.startsWith("--flow-streams=")) {
				options = options.withFlowStreams(positiveInts(arg, value));
			}
			else if (arg.startsWith("--flow-rounds=")) {
				options = options.withFlowRounds(positiveInt(arg, value));
			}
			else if (arg.startsWith("--lifecycle-workers=")) {
				options = options.withLifeWorkers(positiveInts(arg, value));
			}
			else if (arg.startsWith("--out=")) {
				options = options.withOutput(Path.of(value));
			}
			else {
				throw new IllegalArgumentException("unknown argument '" + arg + "'; known: --quick, --smoke,"
						+ " --scenario=" + String.join(",", ALL) + ", --time-factor=F, --grace=30s,"
						+ " --shutdown-streams=N, --scale-streams=N, --flow-streams=1,64, --flow-rounds=N, --lifecycle-workers=1,16,"
						+ " --out=results.json");
			}
		}
		return options;
	}

	boolean runs(String scenario) {
		return this.scenarios.contains(scenario);
	}

	/** Durations and sample counts times {@code factor}; stream counts and the grace unchanged. */
	BenchOptions scaled(double factor) {
		return new BenchOptions(this.scenarios, count(this.pingWarmup, factor), this.pingRounds,
				count(this.pingPerRound, factor), this.flowStreams, this.flowWarmupRounds, this.flowRounds,
				time(this.flowSettle, factor), time(this.flowMeasure, factor), this.lifeWorkers,
				this.lifeWarmupRounds, this.lifeRounds, time(this.lifeSettle, factor), time(this.lifeMeasure, factor),
				count(this.cancelWarmup, factor), this.cancelRounds, count(this.cancelPerRound, factor),
				this.idleStreams, this.idleTimeout, this.shutdownStreams, this.shutdownRepeats, this.grace,
				this.scaleStreams, this.output);
	}

	BenchOptions withScenarios(Set<String> selected) {
		return new BenchOptions(selected, this.pingWarmup, this.pingRounds, this.pingPerRound, this.flowStreams,
				this.flowWarmupRounds, this.flowRounds, this.flowSettle, this.flowMeasure, this.lifeWorkers,
				this.lifeWarmupRounds, this.lifeRounds, this.lifeSettle, this.lifeMeasure, this.cancelWarmup,
				this.cancelRounds, this.cancelPerRound, this.idleStreams, this.idleTimeout, this.shutdownStreams,
				this.shutdownRepeats, this.grace, this.scaleStreams, this.output);
	}

	BenchOptions withGrace(Duration grace) {
		return new BenchOptions(this.scenarios, this.pingWarmup, this.pingRounds, this.pingPerRound, this.flowStreams,
				this.flowWarmupRounds, this.flowRounds, this.flowSettle, this.flowMeasure, this.lifeWorkers,
				this.lifeWarmupRounds, this.lifeRounds, this.lifeSettle, this.lifeMeasure, this.cancelWarmup,
				this.cancelRounds, this.cancelPerRound, this.idleStreams, this.idleTimeout, this.shutdownStreams,
				this.shutdownRepeats, grace, this.scaleStreams, this.output);
	}

	BenchOptions withShutdownStreams(int streams) {
		return new BenchOptions(this.scenarios, this.pingWarmup, this.pingRounds, this.pingPerRound, this.flowStreams,
				this.flowWarmupRounds, this.flowRounds, this.flowSettle, this.flowMeasure, this.lifeWorkers,
				this.lifeWarmupRounds, this.lifeRounds, this.lifeSettle, this.lifeMeasure, this.cancelWarmup,
				this.cancelRounds, this.cancelPerRound, this.idleStreams, this.idleTimeout, streams,
				this.shutdownRepeats, this.grace, this.scaleStreams, this.output);
	}

	BenchOptions withScaleStreams(int streams) {
		return new BenchOptions(this.scenarios, this.pingWarmup, this.pingRounds, this.pingPerRound, this.flowStreams,
				this.flowWarmupRounds, this.flowRounds, this.flowSettle, this.flowMeasure, this.lifeWorkers,
				this.lifeWarmupRounds, this.lifeRounds, this.lifeSettle, this.lifeMeasure, this.cancelWarmup,
				this.cancelRounds, this.cancelPerRound, this.idleStreams, this.idleTimeout, this.shutdownStreams,
				this.shutdownRepeats, this.grace, streams, this.output);
	}

	BenchOptions withFlowStreams(List<Integer> streams) {
		return new BenchOptions(this.scenarios, this.pingWarmup, this.pingRounds, this.pingPerRound, streams,
				this.flowWarmupRounds, this.flowRounds, this.flowSettle, this.flowMeasure, this.lifeWorkers,
				this.lifeWarmupRounds, this.lifeRounds, this.lifeSettle, this.lifeMeasure, this.cancelWarmup,
				this.cancelRounds, this.cancelPerRound, this.idleStreams, this.idleTimeout, this.shutdownStreams,
				this.shutdownRepeats, this.grace, this.scaleStreams, this.output);
	}

	BenchOptions withFlowRounds(int rounds) {
		return new BenchOptions(this.scenarios, this.pingWarmup, this.pingRounds, this.pingPerRound, this.flowStreams,
				this.flowWarmupRounds, rounds, this.flowSettle, this.flowMeasure, this.lifeWorkers, this.lifeWarmupRounds,
				this.lifeRounds, this.lifeSettle, this.lifeMeasure, this.cancelWarmup, this.cancelRounds,
				this.cancelPerRound, this.idleStreams, this.idleTimeout, this.shutdownStreams, this.shutdownRepeats,
				this.grace, this.scaleStreams, this.output);
	}

	BenchOptions withLifeWorkers(List<Integer> workers) {
		return new BenchOptions(this.scenarios, this.pingWarmup, this.pingRounds, this.pingPerRound, this.flowStreams,
				this.flowWarmupRounds, this.flowRounds, this.flowSettle, this.flowMeasure, workers,
				this.lifeWarmupRounds, this.lifeRounds, this.lifeSettle, this.lifeMeasure, this.cancelWarmup,
				this.cancelRounds, this.cancelPerRound, this.idleStreams, this.idleTimeout, this.shutdownStreams,
				this.shutdownRepeats, this.grace, this.scaleStreams, this.output);
	}

	BenchOptions withOutput(Path output) {
		return new BenchOptions(this.scenarios, this.pingWarmup, this.pingRounds, this.pingPerRound, this.flowStreams,
				this.flowWarmupRounds, this.flowRounds, this.flowSettle, this.flowMeasure, this.lifeWorkers,
				this.lifeWarmupRounds, this.lifeRounds, this.lifeSettle, this.lifeMeasure, this.cancelWarmup,
				this.cancelRounds, this.cancelPerRound, this.idleStreams, this.idleTimeout, this.shutdownStreams,
				this.shutdownRepeats, this.grace, this.scaleStreams, output);
	}

	/** The CSV file written beside the JSON one. */
	Path csvOutput() {
		String name = this.output.getFileName().toString();
		String base = name.endsWith(".json") ? name.substring(0, name.length() - 5) : name;
		return this.output.resolveSibling(base + ".csv");
	}

	/** {@code benchmarks/target/results.json} from the repository root, {@code target/} from the module. */
	private static Path defaultOutput() {
		if (Files.isDirectory(Path.of("benchmarks", "target"))) {
			return Path.of("benchmarks", "target", "results.json");
		}
		if (Files.isDirectory(Path.of("target"))) {
			return Path.of("target", "results.json");
		}
		return Path.of("results.json");
	}

	private static int count(int count, double factor) {
		return Math.max(1, (int) Math.round(count * factor));
	}

	private static Duration time(Duration duration, double factor) {
		return Duration.ofNanos(Math.max(1_000_000L, Math.round(duration.toNanos() * factor)));
	}

	private static double positiveDouble(String arg, String value) {
		try {
			double parsed = Double.parseDouble(value);
			if (parsed > 0) {
				return parsed;
			}
		}
		catch (NumberFormatException ex) {
			// reported below
		}
		throw new IllegalArgumentException(arg + ": expected a positive number");
	}

	private static List<Integer> positiveInts(String arg, String value) {
		List<Integer> values = new ArrayList<>();
		for (String part : value.split(",")) {
			values.add(positiveInt(arg, part.trim()));
		}
		return List.copyOf(values);
	}

	private static int positiveInt(String arg, String value) {
		try {
			int parsed = Integer.parseInt(value);
			if (parsed > 0) {
				return parsed;
			}
		}
		catch (NumberFormatException ex) {
			// reported below
		}
		throw new IllegalArgumentException(arg + ": expected a positive whole number");
	}

	/** {@code 30s}, {@code 500ms}, {@code 2m}, or ISO-8601 such as {@code PT30S}. */
	static Duration duration(String arg, String value) {
		String text = value.trim().toLowerCase(Locale.ROOT);
		try {
			Duration parsed;
			if (text.endsWith("ms")) {
				parsed = Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
			}
			else if (text.endsWith("s") && !text.startsWith("p")) {
				parsed = Duration.ofSeconds(Long.parseLong(text.substring(0, text.length() - 1)));
			}
			else if (text.endsWith("m") && !text.startsWith("p")) {
				parsed = Duration.ofMinutes(Long.parseLong(text.substring(0, text.length() - 1)));
			}
			else {
				parsed = Duration.parse(value.trim());
			}
			if (!parsed.isNegative() && !parsed.isZero()) {
				return parsed;
			}
		}
		catch (RuntimeException ex) {
			// reported below
		}
		throw new IllegalArgumentException(arg + ": expected a positive duration such as 30s or 500ms");
	}

	/** One line for the results' environment. */
	String describe() {
		return String.format(Locale.ROOT,
				"scenarios=%s ping=%d warm-up + %dx%d; flow streams=%s rounds=%d+%d of %dms (+%dms settle);"
						+ " lifecycle workers=%s rounds=%d+%d of %dms; cancel=%d warm-up + %dx%d, idle %d streams at %dms;"
						+ " shutdown %d streams x%d, grace %s; scale %d streams",
				String.join(",", this.scenarios), this.pingWarmup, this.pingRounds, this.pingPerRound,
				Arrays.toString(this.flowStreams.toArray()), this.flowWarmupRounds, this.flowRounds,
				this.flowMeasure.toMillis(), this.flowSettle.toMillis(), this.lifeWorkers, this.lifeWarmupRounds,
				this.lifeRounds, this.lifeMeasure.toMillis(), this.cancelWarmup, this.cancelRounds,
				this.cancelPerRound, this.idleStreams, this.idleTimeout.toMillis(), this.shutdownStreams,
				this.shutdownRepeats, this.grace, this.scaleStreams);
	}

}
