package dev.triplestream.benchmarks;

/**
 * How a row with a target came out. A row whose A/A control (raw grpc-java against raw grpc-java
 * on a second channel, measured in the same rounds) strays further than {@link #CONTROL_TOLERANCE}
 * from 1.0 is {@link #INCONCLUSIVE}: the machine moved two identical clients apart by more than
 * the difference the target is about, so the row's own ratio proves nothing either way.
 */
enum Verdict {

	MET("yes"),

	MISSED("NO"),

	INCONCLUSIVE("INCONCLUSIVE");

	/** How far the control's median pairwise ratio may stray from 1.0 before a row is inconclusive. */
	static final double CONTROL_TOLERANCE = 0.03;

	private final String text;

	Verdict(String text) {
		this.text = text;
	}

	/**
	 * The verdict on a row.
	 * @param met whether the row's figure meets its target
	 * @param control the A/A control's ratios of the same rounds, or null where the row has none
	 */
	static Verdict of(boolean met, PairedRatios control) {
		if (control != null && !control.isWithin(CONTROL_TOLERANCE)) {
			return INCONCLUSIVE;
		}
		return met ? MET : MISSED;
	}

	/** How the table prints it. */
	String text() {
		return this.text;
	}

}
