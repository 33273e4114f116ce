package dev.triplestream.benchmarks;

/**
 * How a row with a target came out. A row whose figures are paired by round
 * ({@link PairedRatios}) is judged by the median of its pairwise ratios, and only where the
 * measurement can resolve the target; it is {@link #INCONCLUSIVE} when
 * <ul>
 * <li>its A/A control (raw grpc-java against raw grpc-java on a second channel, in the same rounds)
 * has a median more than {@link #TOLERANCE} from 1.0: the machine moved two identical clients
 * apart by more than the difference the target is about;</li>
 * <li>the control's median is itself uncertain by more than {@link #TOLERANCE} (its
 * {@linkplain PairedRatios#notch() notch}): the rounds were too few or too noisy to tell;</li>
 * <li>or the row's own notch straddles the target: part of the median's confidence interval meets
 * it and part does not.</li>
 * </ul>
 * Rows without paired rounds are met or missed by their figure alone.
 */
enum Verdict {

	MET("yes"),

	MISSED("NO"),

	INCONCLUSIVE("INCONCLUSIVE");

	/** The resolution the targets ask for: 3%. */
	static final double TOLERANCE = 0.03;

	private final String text;

	Verdict(String text) {
		this.text = text;
	}

	/**
	 * The verdict on a row.
	 * @param target the row's goal
	 * @param row the row, with its pairwise ratios and its control where it has them
	 */
	static Verdict of(Target target, Results.Row row) {
		PairedRatios ratios = row.ratios();
		PairedRatios control = row.control();
		if (ratios == null || target.ratioCheck() == null) {
			return target.isMetBy(row) ? MET : MISSED;
		}
		if (control != null && (!control.isWithin(TOLERANCE) || control.notch() > TOLERANCE + 1e-9)) {
			return INCONCLUSIVE;
		}
		boolean low = target.ratioCheck().test(ratios.median() - ratios.notch());
		boolean high = target.ratioCheck().test(ratios.median() + ratios.notch());
		if (low && high) {
			return MET;
		}
		return (!low && !high) ? MISSED : INCONCLUSIVE;
	}

	/** How the table prints it. */
	String text() {
		return this.text;
	}

}
