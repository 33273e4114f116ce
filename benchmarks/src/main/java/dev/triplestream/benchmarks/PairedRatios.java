package dev.triplestream.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The ratios of two contenders measured round by round: round {@code i} of one against round
 * {@code i} of the other, which ran next to it. A slow moment of the machine lands on both halves of
 * a pair, so it cancels out of that pair's ratio; a ratio of two medians taken over different rounds
 * keeps it. The reported figure is the median of the pairwise ratios, the spread their quartiles
 * and extremes.
 * <p>
 * Quartiles are interpolated between the sorted ratios (the method spreadsheets call
 * {@code PERCENTILE.INC}): with the ratios {@code 0.9, 1.0, 1.1, 1.2} the median is 1.05, the first
 * quartile 0.975 and the third 1.125.
 *
 * @param median the median of the pairwise ratios
 * @param lowerQuartile the 25th percentile of the ratios
 * @param upperQuartile the 75th percentile
 * @param min the smallest ratio
 * @param max the largest ratio
 * @param pairs how many pairs the figures are of
 * @param skipped rounds left out because the base had no positive figure in them (it delivered
 * nothing in its window, a stall of a loaded machine): their ratio has no value
 */
record PairedRatios(double median, double lowerQuartile, double upperQuartile, double min, double max, int pairs,
		int skipped) {

	/**
	 * The ratios {@code other[i] / base[i]}.
	 * @param base the denominator of every pair, such as raw grpc-java's rates
	 * @param other the numerator, such as the starter's rates, in the same round order
	 * @throws IllegalArgumentException when the lists differ in length or no round has a positive
	 * base
	 */
	static PairedRatios of(List<Double> base, List<Double> other) {
		if (base.size() != other.size()) {
			throw new IllegalArgumentException(
					"every round needs both halves of its pair: " + base.size() + " against " + other.size());
		}
		List<Double> ratios = new ArrayList<>(base.size());
		for (int i = 0; i < base.size(); i++) {
			double denominator = base.get(i);
			if (denominator > 0) {
				ratios.add(other.get(i) / denominator);
			}
		}
		if (ratios.isEmpty()) {
			throw new IllegalArgumentException("no round with a positive base figure among " + base.size());
		}
		ratios.sort(null);
		return new PairedRatios(quantile(ratios, 0.5), quantile(ratios, 0.25), quantile(ratios, 0.75), ratios.get(0),
				ratios.get(ratios.size() - 1), ratios.size(), base.size() - ratios.size());
	}

	/**
	 * The median of {@code values}, averaging the middle two of an even count; zero when empty.
	 */
	static double median(List<Double> values) {
		if (values.isEmpty()) {
			return 0;
		}
		List<Double> sorted = new ArrayList<>(values);
		sorted.sort(null);
		return quantile(sorted, 0.5);
	}

	/** The {@code q} quantile of sorted values, interpolated linearly between neighbours. */
	private static double quantile(List<Double> sorted, double q) {
		double position = q * (sorted.size() - 1);
		int below = (int) Math.floor(position);
		int above = (int) Math.ceil(position);
		double fraction = position - below;
		return sorted.get(below) + (sorted.get(above) - sorted.get(below)) * fraction;
	}

	/**
	 * Half the width of the median's notch, {@code 1.58 * IQR / sqrt(pairs)}: the interval
	 * {@code median ± notch} is roughly a 95% confidence interval of the median (McGill, Tukey and
	 * Larsen's notched box plots; R's {@code boxplot.stats} uses the same factor). Two medians
	 * whose notches do not overlap differ.
	 */
	double notch() {
		return 1.58 * (this.upperQuartile - this.lowerQuartile) / Math.sqrt(this.pairs);
	}

	/** Whether the median lies within {@code tolerance} of 1.0 (both ends included). */
	boolean isWithin(double tolerance) {
		// The rounding guard keeps 0.97 against a 3% tolerance inside, as the table prints it.
		return Math.abs(this.median - 1.0) <= tolerance + 1e-9;
	}

	/**
	 * Such as {@code ±0.119, IQR 0.975-1.125, range 0.900-1.200, 4 pairs}, the first figure the
	 * notch; rounds left out are counted at the end.
	 */
	String describe() {
		return String.format(Locale.ROOT, "±%.3f, IQR %.3f-%.3f, range %.3f-%.3f, %d pairs", notch(),
				this.lowerQuartile, this.upperQuartile, this.min, this.max, this.pairs)
				+ ((this.skipped > 0) ? ", " + this.skipped + " left out (no base figure)" : "");
	}

}
