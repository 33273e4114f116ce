package dev.triplestream.benchmarks;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

/** The statistics the throughput, lifecycle and ping-pong rows report, on known inputs. */
class PairedRatiosTest {

	@Test
	void pairsRoundIWithRoundIAndTakesTheMedianOfTheRatios() {
		// Round by round the other side is 0.9, 1.2, 1.0, 1.1 times the base.
		PairedRatios ratios = PairedRatios.of(List.of(100.0, 50.0, 200.0, 10.0), List.of(90.0, 60.0, 200.0, 11.0));
		assertThat(ratios.median()).isCloseTo(1.05, within(1e-12));
		assertThat(ratios.lowerQuartile()).isCloseTo(0.975, within(1e-12));
		assertThat(ratios.upperQuartile()).isCloseTo(1.125, within(1e-12));
		assertThat(ratios.min()).isCloseTo(0.9, within(1e-12));
		assertThat(ratios.max()).isCloseTo(1.2, within(1e-12));
		assertThat(ratios.pairs()).isEqualTo(4);
		// 1.58 * IQR / sqrt(4)
		assertThat(ratios.notch()).isCloseTo(1.58 * 0.15 / 2, within(1e-12));
		assertThat(ratios.describe()).startsWith("±0.11").endsWith(", IQR 0.975-1.125, range 0.900-1.200, 4 pairs");
	}

	@Test
	void aSlowMomentThatHitsBothHalvesOfAPairCancelsOut() {
		// Rounds two and three ran while the machine was busy; each pair is still 0.98. The ratio
		// of the two medians would read 59/100 = 0.59.
		List<Double> raw = List.of(100.0, 30.0, 31.0, 102.0, 99.0);
		List<Double> starter = List.of(98.0, 29.4, 30.38, 99.96, 97.02);
		PairedRatios ratios = PairedRatios.of(raw, starter);
		assertThat(ratios.median()).isCloseTo(0.98, within(1e-9));
		assertThat(ratios.min()).isCloseTo(0.98, within(1e-9));
		assertThat(ratios.max()).isCloseTo(0.98, within(1e-9));
		assertThat(PairedRatios.median(starter) / PairedRatios.median(raw)).isCloseTo(0.97, within(0.01));
	}

	@Test
	void anOddNumberOfPairsHasItsMiddleRatioAsMedian() {
		PairedRatios ratios = PairedRatios.of(List.of(10.0, 10.0, 10.0), List.of(30.0, 9.0, 10.0));
		assertThat(ratios.median()).isCloseTo(1.0, within(1e-12));
		assertThat(ratios.lowerQuartile()).isCloseTo(0.95, within(1e-12));
		assertThat(ratios.upperQuartile()).isCloseTo(2.0, within(1e-12));
		assertThat(ratios.min()).isCloseTo(0.9, within(1e-12));
		assertThat(ratios.max()).isCloseTo(3.0, within(1e-12));
	}

	@Test
	void oneRoundIsItsOwnMedianAndSpread() {
		PairedRatios ratios = PairedRatios.of(List.of(4.0), List.of(3.0));
		assertThat(ratios.median()).isEqualTo(0.75);
		assertThat(ratios.lowerQuartile()).isEqualTo(0.75);
		assertThat(ratios.upperQuartile()).isEqualTo(0.75);
	}

	@Test
	void medianOfPlainValues() {
		assertThat(PairedRatios.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
		assertThat(PairedRatios.median(List.of(4.0, 1.0, 3.0, 2.0))).isEqualTo(2.5);
		assertThat(PairedRatios.median(List.of())).isZero();
	}

	@Test
	void refusesRoundsThatCannotBePaired() {
		assertThatIllegalArgumentException().isThrownBy(() -> PairedRatios.of(List.of(1.0, 2.0), List.of(1.0)))
			.withMessageContaining("2 against 1");
		assertThatIllegalArgumentException().isThrownBy(() -> PairedRatios.of(List.of(), List.of()));
	}

	@Test
	void aRoundInWhichTheBaseStalledIsLeftOutAndCounted() {
		// Round two: raw delivered nothing in its window (a collection of a loaded machine stopped
		// it); the ratio has no value, and the run must go on.
		PairedRatios ratios = PairedRatios.of(List.of(100.0, 0.0, 100.0, 100.0), List.of(90.0, 50.0, 100.0, 110.0));
		assertThat(ratios.pairs()).isEqualTo(3);
		assertThat(ratios.skipped()).isEqualTo(1);
		assertThat(ratios.median()).isCloseTo(1.0, within(1e-12));
		assertThat(ratios.describe()).endsWith("3 pairs, 1 left out (no base figure)");
		assertThatIllegalArgumentException().isThrownBy(() -> PairedRatios.of(List.of(0.0), List.of(1.0)))
			.withMessageContaining("no round with a positive base");
	}

	@Test
	void theNotchNarrowsWithMorePairs() {
		PairedRatios four = PairedRatios.of(List.of(1.0, 1.0, 1.0, 1.0), List.of(0.9, 1.0, 1.0, 1.1));
		PairedRatios sixteen = PairedRatios.of(List.of(1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0,
				1.0, 1.0, 1.0), List.of(0.9, 0.9, 0.9, 0.9, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.1, 1.1, 1.1, 1.1));
		assertThat(four.upperQuartile() - four.lowerQuartile()).isCloseTo(0.05, within(1e-12));
		// the same spread, four times the pairs: half the notch
		assertThat(sixteen.upperQuartile() - sixteen.lowerQuartile()).isCloseTo(0.05, within(1e-12));
		assertThat(four.notch()).isCloseTo(1.58 * 0.05 / 2, within(1e-12));
		assertThat(sixteen.notch()).isCloseTo(1.58 * 0.05 / 4, within(1e-12));
		assertThat(PairedRatios.of(List.of(2.0, 2.0), List.of(2.0, 2.0)).notch()).isZero();
	}

	@Test
	void withinAToleranceIncludesItsEdges() {
		assertThat(ratiosWithMedian(1.03).isWithin(0.03)).isTrue();
		assertThat(ratiosWithMedian(0.97).isWithin(0.03)).isTrue();
		assertThat(ratiosWithMedian(1.031).isWithin(0.03)).isFalse();
		assertThat(ratiosWithMedian(0.969).isWithin(0.03)).isFalse();
	}

	/** Three pairs: {@code median - spread, median, median + spread}, so the IQR is {@code spread}. */
	static PairedRatios ratios(double median, double spread) {
		return PairedRatios.of(List.of(1.0, 1.0, 1.0), List.of(median - spread, median, median + spread));
	}

	static PairedRatios ratiosWithMedian(double median) {
		return ratios(median, 0.005);
	}

}
