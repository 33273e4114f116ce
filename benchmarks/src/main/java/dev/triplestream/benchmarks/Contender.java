package dev.triplestream.benchmarks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One client taking part in an interleaved measurement: a {@link ClientStyle} on a particular set
 * of channels. Besides the four styles on the benchmark's channels there is the A/A control, raw
 * grpc-java's {@code StreamObserver} on a second plain channel: identical code, so whatever
 * separates it from the first raw client is the machine's noise, the yardstick for the
 * starter's differences.
 *
 * @param label how progress lines name it
 * @param style how it holds its streams
 * @param clients the channels it opens them on
 */
record Contender(String label, ClientStyle style, Clients clients) {

	static final String CONTROL = "A/A control (raw StreamObserver, second channel)";

	/** How result rows name the A/A control. */
	static final String CONTROL_SUBJECT = "A/A control: raw StreamObserver vs raw StreamObserver on a second channel";

	/** The four styles on the benchmark's channels, then the control. */
	static List<Contender> all(Bench bench) {
		List<Contender> all = new ArrayList<>();
		for (ClientStyle style : ClientStyle.values()) {
			all.add(new Contender(style.label(), style, bench.clients()));
		}
		all.add(new Contender(CONTROL, ClientStyle.RAW_OBSERVER, bench.controlClients()));
		return all;
	}

	/**
	 * The order of round {@code round}: {@code all} rotated by {@code round / 2}, and reversed in
	 * odd rounds. Every two rounds each pair of contenders runs once each way round, so that neither
	 * half of a pair always runs first, or always right after a third contender's streams ended.
	 */
	static List<Contender> order(List<Contender> all, int round) {
		List<Contender> ordered = new ArrayList<>(all.size());
		for (int i = 0; i < all.size(); i++) {
			ordered.add(all.get((i + round / 2) % all.size()));
		}
		if (round % 2 == 1) {
			Collections.reverse(ordered);
		}
		return ordered;
	}

	/** The one taking part for {@code style} on the benchmark's channels. */
	static Contender of(List<Contender> all, ClientStyle style) {
		return all.stream().filter((each) -> each.style == style && !each.isControl()).findFirst().orElseThrow();
	}

	static Contender control(List<Contender> all) {
		return all.stream().filter(Contender::isControl).findFirst().orElseThrow();
	}

	boolean isControl() {
		return this.label.equals(CONTROL);
	}

}
