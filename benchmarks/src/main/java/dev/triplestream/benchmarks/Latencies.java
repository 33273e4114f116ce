package dev.triplestream.benchmarks;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;

/** HdrHistograms of nanosecond latencies, read out in microseconds. */
final class Latencies {

	private Latencies() {
	}

	/** Up to two minutes at three significant digits. */
	static Histogram histogram() {
		return new Histogram(TimeUnit.MINUTES.toNanos(2), 3);
	}

	static void record(Histogram histogram, long nanos) {
		histogram.recordValue(Math.max(0, Math.min(nanos, histogram.getHighestTrackableValue())));
	}

	static double micros(Histogram histogram, double percentile) {
		return histogram.getValueAtPercentile(percentile) / 1000.0;
	}

	static String summary(Histogram histogram) {
		return String.format(Locale.ROOT, "n=%d mean=%.1fus max=%.1fus", histogram.getTotalCount(),
				histogram.getMean() / 1000.0, histogram.getMaxValue() / 1000.0);
	}

}
