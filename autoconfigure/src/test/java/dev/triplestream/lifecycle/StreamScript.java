package dev.triplestream.lifecycle;

import java.util.SplittableRandom;
import java.util.function.Supplier;

import dev.triplestream.test.v1.EchoRequest;

/**
 * What the application does with one stream, on the stream's own threads: {@link #run()} runs on
 * the thread that opens the stream, which starts the others its shape needs (a sender, a
 * controlling thread). Each thread draws its random choices from its own generator, split from the
 * plan's seed.
 */
abstract class StreamScript implements Runnable {

	protected final StreamPlan plan;

	protected final ClientStreamRecord record;

	protected final LifecycleClient client;

	protected final Workers workers;

	protected final SplittableRandom random;

	StreamScript(StreamPlan plan, ClientStreamRecord record, LifecycleClient client, Workers workers) {
		this.plan = plan;
		this.record = record;
		this.client = client;
		this.workers = workers;
		this.random = new SplittableRandom(plan.seed());
	}

	static StreamScript of(StreamPlan plan, ClientStreamRecord record, LifecycleClient client, Workers workers) {
		return switch (plan.shape()) {
			case BIDI_BLOCKING, SERVER_STREAMING_BLOCKING -> new BlockingStreamScript(plan, record, client, workers);
			default -> new AsyncStreamScript(plan, record, client, workers);
		};
	}

	/** Opens the stream with {@code opener}, the plan interceptor and the ledger knowing it is this one. */
	protected <T> T open(Supplier<T> opener) {
		PlanHeaders.OPENING.set(this.record);
		try {
			return opener.get();
		}
		finally {
			PlanHeaders.OPENING.remove();
		}
	}

	protected static EchoRequest request(long seq) {
		return EchoRequest.newBuilder().setSeq(seq).setText("q").build();
	}

	/** A random pause of an application thread, up to the plan's longest. */
	protected void pause(SplittableRandom random) {
		Workers.pause(random.nextInt(this.plan.pauseMillis() + 1));
	}

	/** Starts the controlling thread, which does the plan's action after the plan's delay. */
	protected void control(Runnable action) {
		if (this.plan.action() == StreamPlan.Action.NONE) {
			return;
		}
		this.workers.start(this.plan.key() + "-control", this.record, () -> {
			Workers.pause(this.plan.actionDelayMillis());
			action.run();
		});
	}

	/** Interrupts {@code thread}, one of this stream's. */
	protected void interrupt(Thread thread) {
		if (thread != null) {
			this.record.interrupts.incrementAndGet();
			thread.interrupt();
		}
	}

}
