package dev.triplestream.benchmarks;

/**
 * Measures triplestream's client runtime against plain grpc-java, all scenarios in this JVM:
 * <pre>
 * mvn -B -q -pl benchmarks -am package -DskipTests
 * java -jar benchmarks/target/triplestream-benchmarks.jar [--quick] [--scenario=pingpong,...]
 * </pre>
 * Prints one table on standard output and writes every figure to {@code results.json} and
 * {@code results.csv} (by default in {@code benchmarks/target}); progress goes to standard error.
 */
public final class BenchmarkMain {

	private BenchmarkMain() {
	}

	public static void main(String[] args) throws Exception {
		BenchOptions options;
		try {
			options = BenchOptions.parse(args);
		}
		catch (IllegalArgumentException ex) {
			System.err.println(ex.getMessage());
			System.exit(2);
			return;
		}
		Results results = BenchmarkRun.run(options, System.err);
		ResultsReport report = new ResultsReport(results);
		report.printTable(System.out);
		report.writeJson(options.output());
		report.writeCsv(options.csvOutput());
		System.out.println("Written: " + options.output().toAbsolutePath() + " and " + options.csvOutput().toAbsolutePath());
		long missed = results.rows().stream().filter((row) -> Boolean.FALSE.equals(row.met())).count();
		long targets = results.rows().stream().filter((row) -> row.met() != null).count();
		System.out.println("Targets met: " + (targets - missed) + " of " + targets);
		// Netty's and grpc's shared threads are daemons, but say so explicitly.
		System.exit(0);
	}

}
