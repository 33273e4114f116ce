package dev.triplestream.benchmarks;

import org.junit.jupiter.api.Test;

import static dev.triplestream.benchmarks.PairedRatiosTest.ratios;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The verdict on a row with a target, on known inputs. The pairs of these rows are three rounds,
 * {@code median - spread, median, median + spread}: an IQR of {@code spread} and a notch of
 * {@code 1.58 * spread / sqrt(3)}, 0.0046 for a spread of 0.005, 0.091 for 0.1.
 */
class VerdictTest {

	private static final double TIGHT = 0.005;

	private static final double WIDE = 0.1;

	@Test
	void aRateRowIsMetOrMissedByItsMedianPairwiseRatioWhenTheControlIsSteady() {
		assertThat(rateRow(ratios(0.99, TIGHT), ratios(1.01, TIGHT)).verdict()).isEqualTo(Verdict.MET);
		assertThat(rateRow(0.975, 0.97).verdict()).isEqualTo(Verdict.MET);
		assertThat(rateRow(0.96, 1.00).verdict()).isEqualTo(Verdict.MISSED);
		assertThat(rateRow(0.96, 1.00).met()).isFalse();
		assertThat(rateRow(0.99, 1.00).met()).isTrue();
	}

	@Test
	void aControlMoreThanThreePercentFromOneMakesTheRowInconclusiveEitherWay() {
		assertThat(rateRow(1.10, 1.04).verdict()).isEqualTo(Verdict.INCONCLUSIVE);
		assertThat(rateRow(0.80, 0.96).verdict()).isEqualTo(Verdict.INCONCLUSIVE);
		assertThat(rateRow(1.10, 1.04).met()).isFalse();
		assertThat(Verdict.INCONCLUSIVE.text()).isEqualTo("INCONCLUSIVE");
	}

	@Test
	void aControlWhoseMedianIsItselfUncertainByMoreThanThreePercentMakesTheRowInconclusive() {
		// The control's median is 1.00, but its notch is ±0.091: these rounds cannot resolve 3%.
		assertThat(rateRow(ratios(0.99, TIGHT), ratios(1.00, WIDE)).verdict()).isEqualTo(Verdict.INCONCLUSIVE);
	}

	@Test
	void aRowWhoseNotchStraddlesTheTargetIsInconclusiveOneClearOfItIsNot() {
		Results.Row straddling = rateRow(ratios(0.99, WIDE), ratios(1.00, TIGHT));
		assertThat(straddling.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
		// 0.70 ± 0.091 misses 0.97 wherever the median really lies; 1.20 ± 0.091 meets it.
		assertThat(rateRow(ratios(0.70, WIDE), ratios(1.00, TIGHT)).verdict()).isEqualTo(Verdict.MISSED);
		assertThat(rateRow(ratios(1.20, WIDE), ratios(1.00, TIGHT)).verdict()).isEqualTo(Verdict.MET);
		// On the threshold itself any spread at all straddles it.
		assertThat(rateRow(0.97, 1.00).verdict()).isEqualTo(Verdict.INCONCLUSIVE);
	}

	@Test
	void aLatencyRowMustStayWithinThreePercentAbove() {
		assertThat(latencyRow(1.02, 0.99).verdict()).isEqualTo(Verdict.MET);
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
	void rowsWithoutPairedRoundsAreJudgedByTheirFigureAlone() {
		Results.Row unpaired = new Results.Row("shutdown", "case", "close", "ms", 200.0, 50.0,
				Target.starterBelow(500, "< 0.5 s"), "");
		assertThat(unpaired.ratio()).isEqualTo(0.25);
		assertThat(unpaired.verdict()).isEqualTo(Verdict.MET);
		Results.Row slow = new Results.Row("cancellation", "case", "p99", "us", 100.0, 6000.0,
				Target.starterBelow(5000, "< 5 ms"), "");
		assertThat(slow.verdict()).isEqualTo(Verdict.MISSED);
		assertThat(new Results.Row("scale", "case", "heap", "bytes", 1.0, 2.0, null, "").verdict()).isNull();
	}

	private static Results.Row rateRow(double ratio, double control) {
		return rateRow(ratios(ratio, TIGHT), ratios(control, TIGHT));
	}

	private static Results.Row rateRow(PairedRatios ratios, PairedRatios control) {
		return new Results.Row("throughput", "case", "rate, median round", "msg/s", 1000.0,
				1000.0 * ratios.median() + 1, ThroughputScenario.TARGET, "", ratios, control);
	}

	private static Results.Row latencyRow(double ratio, double control) {
		return new Results.Row("pingpong", "case", "p50", "us", 60.0, 60.0 * ratio, PingPongScenario.TARGET, "",
				ratios(ratio, TIGHT), ratios(control, TIGHT));
	}

}
