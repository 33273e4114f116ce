package dev.triplestream.benchmarks;

/** One of the six measurements; adds its rows to the results. */
interface Scenario {

	String name();

	void run(Bench bench, Results results) throws Exception;

}
