package dev.triplestream.benchmarks;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Runs the selected scenarios in this JVM, one after the other, against one loopback server. */
final class BenchmarkRun {

	private static final List<Scenario> SCENARIOS = List.of(new PingPongScenario(), new ThroughputScenario(),
			new LifecycleScenario(), new CancellationScenario(), new ShutdownScenario(), new ScaleScenario());

	/**
	 * Cancelling a stream the server is writing to makes grpc-netty log a warning with a stack
	 * trace; the throughput and cancellation scenarios do that thousands of times on purpose.
	 * Held here because the logging framework keeps loggers only weakly.
	 */
	private static final Logger NETTY_SERVER_HANDLER = Logger
		.getLogger("io.grpc.netty.shaded.io.grpc.netty.NettyServerHandler");

	private BenchmarkRun() {
	}

	static Results run(BenchOptions options, PrintStream log) throws Exception {
		NETTY_SERVER_HANDLER.setLevel(Level.SEVERE);
		Results results = new Results();
		Runtime runtime = Runtime.getRuntime();
		results.environment("started", Instant.now());
		results.environment("cpu", cpuModel());
		results.environment("cores", runtime.availableProcessors());
		results.environment("load average at start", loadAverage());
		results.environment("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
		results.environment("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
				+ System.getProperty("os.arch"));
		results.environment("max heap", (runtime.maxMemory() >> 20) + " MiB");
		results.environment("jvm arguments", String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
		results.environment("grpc-java", io.grpc.Grpc.class.getPackage().getImplementationVersion());
		results.environment("transport", "netty-shaded " + Loopback.transportName() + " on loopback, plaintext; one server;"
				+ " clients and server on separate event-loop groups of " + Loopback.EVENT_LOOP_THREADS
				+ " thread(s) each; one channel per client");
		results.environment("starter client side", Loopback.STARTER + " (closed by " + Loopback.starterClose() + ")");
		results.environment("options", options.describe());
		long started = System.nanoTime();
		try (Bench bench = new Bench(options, log)) {
			for (Scenario scenario : SCENARIOS) {
				if (options.runs(scenario.name())) {
					bench.log("%s: starting", scenario.name());
					long scenarioStart = System.nanoTime();
					scenario.run(bench, results);
					bench.log("%s: done in %.1fs", scenario.name(), (System.nanoTime() - scenarioStart) / 1e9);
				}
			}
		}
		results.environment("load average at end", loadAverage());
		results.environment("duration", Duration.ofNanos(System.nanoTime() - started).toSeconds() + "s");
		return results;
	}

	/** Other work on the machine shows in every figure; the load average says how much there was. */
	private static String loadAverage() {
		double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
		return (load >= 0) ? String.format(Locale.ROOT, "%.2f", load) : "unknown";
	}

	private static String cpuModel() {
		try {
			return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
				.filter((line) -> line.startsWith("model name"))
				.map((line) -> line.substring(line.indexOf(':') + 1).trim())
				.findFirst()
				.orElse(System.getProperty("os.arch"));
		}
		catch (IOException | RuntimeException ex) {
			return System.getProperty("os.arch");
		}
	}

}
