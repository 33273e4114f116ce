package dev.triplestream.stream;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * One stream's drain notice: the actions its application registered, run once when the notice is
 * given, on an executor of the side's (never the caller's thread, never a transport thread). An
 * action registered after the notice runs at once; one registered after the stream ended never
 * runs. Thread-safe; no lock is held while an action is handed over or runs.
 */
final class DrainNotice {

	private static final Log logger = LogFactory.getLog(DrainNotice.class);

	private final Executor executor;

	private final Object lock = new Object();

	/** Guarded by {@link #lock}; null until an action is registered, and again once given or dropped. */
	private List<Runnable> actions;

	/** Guarded by {@link #lock}. */
	private boolean dropped;

	private volatile boolean registered;

	private volatile boolean given;

	DrainNotice(Executor executor) {
		this.executor = executor;
	}

	void register(Runnable action, Object stream) {
		synchronized (this.lock) {
			if (this.dropped) {
				return;
			}
			this.registered = true;
			if (!this.given) {
				if (this.actions == null) {
					this.actions = new ArrayList<>(2);
				}
				this.actions.add(action);
				return;
			}
		}
		run(action, stream);
	}

	boolean hasActions() {
		return this.registered;
	}

	boolean isGiven() {
		return this.given;
	}

	/** Gives the notice, once: runs every registered action. */
	void give(Object stream) {
		List<Runnable> toRun;
		synchronized (this.lock) {
			if (this.given || this.dropped) {
				return;
			}
			this.given = true;
			toRun = this.actions;
			this.actions = null;
		}
		if (toRun != null) {
			toRun.forEach((action) -> run(action, stream));
		}
	}

	/** The stream ended: actions not run yet never will be. */
	void drop() {
		synchronized (this.lock) {
			this.dropped = true;
			this.actions = null;
		}
	}

	private void run(Runnable action, Object stream) {
		try {
			this.executor.execute(() -> {
				try {
					action.run();
				}
				catch (RuntimeException | Error ex) {
					logger.warn("Drain action of " + stream + " failed", ex);
				}
			});
		}
		catch (RejectedExecutionException ex) {
			logger.debug("Drain action of " + stream + " not run: its side has stopped", ex);
		}
	}

}
