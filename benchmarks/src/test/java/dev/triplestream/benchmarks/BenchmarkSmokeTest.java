package dev.triplestream.benchmarks;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs every scenario with tiny sizes (seconds in all), so that the benchmark cannot rot: the
 * harness must still work against the current runtime and produce sane figures. The figures
 * themselves are not judged here; the full run does that. The starter side is the default one, an
 * application context per client side, so the shutdown rows are real context closes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BenchmarkSmokeTest {

	private BenchOptions options;

	private Results results;

	private String table;

	@BeforeAll
	void runEveryScenario() throws Exception {
		// Kept in the module's build directory for a look after the build.
		this.options = BenchOptions.smoke().withOutput(Path.of("target", "smoke", "results.json"));
		ByteArrayOutputStream log = new ByteArrayOutputStream();
		this.results = BenchmarkRun.run(this.options, new PrintStream(log, true, StandardCharsets.UTF_8));
		ResultsReport report = new ResultsReport(this.results);
		report.writeJson(this.options.output());
		report.writeCsv(this.options.csvOutput());
		ByteArrayOutputStream table = new ByteArrayOutputStream();
		report.printTable(new PrintStream(table, true, StandardCharsets.UTF_8));
		this.table = table.toString(StandardCharsets.UTF_8);
		System.out.println(log.toString(StandardCharsets.UTF_8));
		System.out.println(this.table);
	}

	@Test
	void everyScenarioReports() {
		for (String scenario : BenchOptions.ALL) {
			assertThat(this.results.rows(scenario)).as(scenario).isNotEmpty();
		}
		assertThat(this.table).contains("pingpong", "throughput", "lifecycle", "cancellation", "shutdown", "scale");
	}

	@Test
	void latenciesAndRatesAreMeasuredForBothSides() {
		for (String scenario : List.of(PingPongScenario.NAME, ThroughputScenario.NAME, LifecycleScenario.NAME)) {
			for (Results.Row row : this.results.rows(scenario)) {
				assertThat(row.raw()).as(row.toString()).isNotNull().isPositive();
				assertThat(row.starter()).as(row.toString()).isNotNull().isPositive();
				assertThat(row.ratio()).as(row.toString()).isNotNull().isPositive();
			}
		}
		assertThat(this.results.rows(PingPongScenario.NAME)).extracting(Results.Row::metric)
			.contains("p50", "p99", "p99.9");
		// two directions, two stream counts, two style families and the A/A control, rate and CPU
		assertThat(this.results.rows(ThroughputScenario.NAME)).hasSize(2 * 2 * 3 * 2);
		assertThat(this.results.rows(PingPongScenario.NAME)).filteredOn((row) -> row.subject().startsWith("A/A"))
			.hasSize(3);
	}

	@Test
	void rateAndLatencyRowsArePairedByRoundAndJudgedAgainstTheirControl() {
		for (Results.Row row : this.results.rows(ThroughputScenario.NAME)) {
			assertThat(row.ratios()).as(row.toString()).isNotNull();
			assertThat(row.ratios().pairs() + row.ratios().skipped()).as(row.toString())
				.isEqualTo(this.options.flowRounds());
			assertThat(row.ratio()).isEqualTo(row.ratios().median());
			boolean control = row.subject().contains("A/A control");
			boolean rate = row.metric().startsWith("rate");
			assertThat(row.target()).as(row.toString()).isEqualTo((control || !rate) ? null : ThroughputScenario.TARGET);
			assertThat(row.control() == null).as(row.toString()).isEqualTo(control);
			assertThat(row.verdict() == null).as(row.toString()).isEqualTo(control || !rate);
		}
		for (Results.Row row : this.results.rows(PingPongScenario.NAME)) {
			boolean paired = !row.metric().equals("p99.9");
			assertThat(row.ratios() != null).as(row.toString()).isEqualTo(paired);
			if (paired) {
				assertThat(row.ratios().pairs() + row.ratios().skipped()).as(row.toString())
					.isEqualTo(this.options.pingRounds());
			}
		}
		assertThat(this.table).contains("ratio spread", "A/A control", "IQR ");
	}

	@Test
	void cancellationReachesTheServerInEveryStyleAndIdleStreamsEnd() {
		List<Results.Row> rows = this.results.rows(CancellationScenario.NAME);
		List<Results.Row> explicit = rows.stream().filter((row) -> !row.subject().startsWith("idle")).toList();
		assertThat(explicit).hasSize(2 * 2 * 2);
		for (Results.Row row : explicit) {
			assertThat(row.raw()).as(row.toString()).isNotNull().isPositive();
			assertThat(row.starter()).as(row.toString()).isNotNull().isPositive();
		}
		// The scenario fails unless every idle stream ended by its timeout on both sides.
		List<Results.Row> idle = rows.stream().filter((row) -> row.subject().startsWith("idle")).toList();
		assertThat(idle).hasSize(3 * 2);
		for (Results.Row row : idle) {
			assertThat(row.raw()).as(row.toString()).isNotNull();
			assertThat(row.starter()).as(row.toString()).isNotNull();
		}
	}

	@Test
	void cooperativeStreamsEndOkAtStarterShutdownWhileThePlainChannelWaitsOutItsGrace() {
		int streams = this.options.shutdownStreams();
		double graceMillis = this.options.grace().toMillis();
		List<Results.Row> cooperative = this.results.rows(ShutdownScenario.NAME).stream()
			.filter((row) -> row.subject().contains("completes on half-close"))
			.toList();
		assertThat(cooperative).hasSize(2);
		for (Results.Row row : cooperative) {
			assertThat(row.note()).as(row.toString())
				.contains("starter (ConfigurableApplicationContext.close()): OK x" + streams)
				.contains("shutdownNow(): UNAVAILABLE x" + streams);
			assertThat(row.raw()).as(row.toString()).isGreaterThanOrEqualTo(graceMillis);
			assertThat(row.starter()).as(row.toString()).isLessThan(graceMillis);
		}
		List<Results.Row> stubborn = this.results.rows(ShutdownScenario.NAME).stream()
			.filter((row) -> row.subject().contains("never completes"))
			.toList();
		assertThat(stubborn).hasSize(2);
		for (Results.Row row : stubborn) {
			assertThat(row.note()).as(row.toString())
				.contains("starter (ConfigurableApplicationContext.close(), grace")
				.contains("CANCELLED x" + streams);
			assertThat(row.starter()).as(row.toString()).isGreaterThanOrEqualTo(graceMillis);
		}
	}

	@Test
	void scaleLeavesTheRegistryEmptyAndMeasuresHeapPerStream() {
		List<Results.Row> rows = this.results.rows(ScaleScenario.NAME);
		List<Results.Row> heap = rows.stream().filter((row) -> row.metric().equals("heap per stream")).toList();
		assertThat(heap).hasSize(2);
		for (Results.Row row : heap) {
			assertThat(row.raw()).as(row.toString()).isPositive();
			assertThat(row.starter()).as(row.toString()).isPositive();
		}
		List<Results.Row> registry = rows.stream().filter((row) -> row.metric().equals("open streams")).toList();
		assertThat(registry).hasSize(2);
		for (Results.Row row : registry) {
			assertThat(row.starter()).as(row.toString()).isEqualTo(0.0);
			assertThat(row.met()).isTrue();
			assertThat(row.note()).contains("registry held " + this.options.scaleStreams());
		}
	}

	@Test
	void writesEveryFigureToJsonAndCsv() throws Exception {
		String json = Files.readString(this.options.output());
		String csv = Files.readString(this.options.csvOutput());
		int rows = this.results.rows().size();
		assertThat(json).contains("\"results\": [", "\"ratio\": ", "\"cores\": ");
		assertThat(json.split("\"scenario\": ", -1)).hasSize(rows + 1);
		assertThat(csv.lines()).hasSize(rows + 1);
		assertThat(csv.lines().findFirst()).hasValue("scenario,case,metric,unit,raw,starter,ratio,ratio_q1,ratio_q3,"
				+ "ratio_min,ratio_max,pairs,control_ratio,target,met,verdict,note");
	}

}
