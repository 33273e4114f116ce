package dev.triplestream.benchmarks;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The verdict on a row with a target: met or missed by the median pairwise ratio, unless the A/A
 * control of the same rounds strays more than 3% from 1.0.
 */
class VerdictTest {

	@Test
	void aRateRowIsJudgedByItsMedianPairwiseRatioWhenTheControlIsSteady() {
		assertThat(rateRow(0.975, 1.01).verdict()).isEqualTo(Verdict.MET);
		assertThat(rateRow(0.97, 0.97).verdict()).isEqualTo(Verdict.MET);
		assertThat(rateRow(0.96, 1.00).verdict()).isEqualTo(Verdict.MISSED);
		assertThat(rateRow(0.96, 1.00).met()).isFalse();
	}

	@Test
	void aControlMoreThanThreePercentFromOneMakesTheRowInconclusiveEitherWay() {
		assertThat(rateRow(1.10, 1.04).verdict()).isEqualTo(Verdict.INCONCLUSIVE);
		assertThat(rateRow(0.80, 0.96).verdict()).isEqualTo(Verdict.INCONCLUSIVE);
		assertThat(rateRow(1.10, 1.04).met()).isFalse();
		assertThat(Verdict.INCONCLUSIVE.text()).isEqualTo("INCONCLUSIVE");
	}

	@Test
	void aLatencyRowMustStayWithinThreePercentAbove() {
		assertThat(latencyRow(1.03, 0.99).verdict()).isEqualTo(Verdict.MET);
		assertThat(latencyRow(0.90, 1.00).verdict()).isEqualTo(Verdict.MET);
		assertThat(latencyRow(1.04, 1.00).verdict()).isEqualTo(Verdict.MISSED);
		assertThat(latencyRow(1.00, 0.95).verdict()).isEqualTo(Verdict.INCONCLUSIVE);
	}

	@Test
	void theRatioOfAPairedRowIsTheMedianOfItsPairsNotTheRatioOfItsColumns() {
		Results.Row row = rateRow(0.98, 1.0);
		assertThat(row.ratio()).isEqualTo(row.ratios().median());
		assertThat(row.starter() / row.raw()).isNotEqualTo(row.ratio());
	}

	@Test
	void rowsWithoutAControlOrATargetKeepTheirOldMeaning() {
		Results.Row unpaired = new Results.Row("shutdown", "case", "close", "ms", 200.0, 50.0,
				Target.starterBelow(500, "< 0.5 s"), "");
		assertThat(unpaired.ratio()).isEqualTo(0.25);
		assertThat(unpaired.verdict()).isEqualTo(Verdict.MET);
		assertThat(new Results.Row("scale", "case", "heap", "bytes", 1.0, 2.0, null, "").verdict()).isNull();
		assertThat(Verdict.of(false, null)).isEqualTo(Verdict.MISSED);
	}

	private static Results.Row rateRow(double ratio, double control) {
		return new Results.Row("throughput", "case", "rate, median round", "msg/s", 1000.0, 1000.0 * ratio + 1,
				ThroughputScenario.TARGET, "", PairedRatiosTest.ratiosWithMedian(ratio),
				PairedRatiosTest.ratiosWithMedian(control));
	}

	private static Results.Row latencyRow(double ratio, double control) {
		return new Results.Row("pingpong", "case", "p50", "us", 60.0, 60.0 * ratio, PingPongScenario.TARGET, "",
				PairedRatiosTest.ratiosWithMedian(ratio), PairedRatiosTest.ratiosWithMedian(control));
	}

}
