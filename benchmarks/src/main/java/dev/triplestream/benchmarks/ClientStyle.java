package dev.triplestream.benchmarks;

import java.util.List;

/**
 * The four ways a client holds a bidi stream in these benchmarks. Each starter style is compared
 * with the raw grpc-java style it replaces: the async observers with each other, the starter's
 * {@code BidiStream} with grpc-java's {@code BlockingClientCall}.
 */
enum ClientStyle {

	RAW_OBSERVER("raw StreamObserver", Family.ASYNC, false),

	RAW_BLOCKING("raw BlockingClientCall", Family.BLOCKING, false),

	STARTER_BIDI("starter BidiStream", Family.BLOCKING, true),

	STARTER_OBSERVER("starter StreamObserver", Family.ASYNC, true);

	private final String label;

	private final Family family;

	private final boolean starter;

	ClientStyle(String label, Family family, boolean starter) {
		this.label = label;
		this.family = family;
		this.starter = starter;
	}

	String label() {
		return this.label;
	}

	Family family() {
		return this.family;
	}

	boolean isStarter() {
		return this.starter;
	}

	boolean isAsync() {
		return this.family == Family.ASYNC;
	}

	/** The order of round {@code round}: rotated each round so that no style always runs first. */
	static List<ClientStyle> order(int round) {
		ClientStyle[] all = values();
		ClientStyle[] rotated = new ClientStyle[all.length];
		for (int i = 0; i < all.length; i++) {
			rotated[i] = all[(i + round) % all.length];
		}
		return List.of(rotated);
	}

	/** A raw style and the starter style measured against it. */
	enum Family {

		ASYNC("async: StreamObserver vs StreamObserver"),

		BLOCKING("blocking: BlockingClientCall vs BidiStream");

		private final String label;

		Family(String label) {
			this.label = label;
		}

		String label() {
			return this.label;
		}

		ClientStyle raw() {
			return (this == ASYNC) ? RAW_OBSERVER : RAW_BLOCKING;
		}

		ClientStyle starter() {
			return (this == ASYNC) ? STARTER_OBSERVER : STARTER_BIDI;
		}

	}

}
