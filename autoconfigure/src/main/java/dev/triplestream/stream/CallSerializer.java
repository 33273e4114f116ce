package dev.triplestream.stream;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Runs operations on a call one at a time, in order, without holding a lock while they run, and
 * without ever making a thread wait for another's operation.
 * <p>
 * grpc-java's {@code ClientCall} and {@code ServerCall} are not thread-safe, yet the application's
 * sender, a timer, the drain and an operator may all act on one call; and a transport may call back
 * into application code on the thread that is calling into the call. A lock around each operation
 * would be held across those callbacks. Here, the thread that finds the call free runs its operation
 * at once (the common case costs one compare-and-set each way, and allocates nothing); a thread that
 * finds it busy, including the busy thread itself when a callback re-enters, queues its operation,
 * and whoever is running runs it next, before letting go. So a callback that a transport runs inside
 * an operation (the in-process transport with a direct executor does) may wait for another thread
 * that acts on the same call without deadlocking: that thread queues its operation and returns.
 * Like grpc's {@code SynchronizationContext}, with an allocation-free fast path for the sender.
 */
public final class CallSerializer {

	private static final Log logger = LogFactory.getLog(CallSerializer.class);

	private final AtomicReference<Thread> owner = new AtomicReference<>();

	private final Queue<Runnable> queued = new ConcurrentLinkedQueue<>();

	/**
	 * Tries to take the call for the current thread, for an operation run without allocating:
	 * {@code if (serializer.tryEnter()) { try { op } finally { serializer.exit(); } } else
	 * serializer.execute(op)}.
	 */
	public boolean tryEnter() {
		return this.queued.isEmpty() && this.owner.compareAndSet(null, Thread.currentThread());
	}

	/** Lets go of the call after {@link #tryEnter()}, running what others queued meanwhile. */
	public void exit() {
		this.owner.set(null);
		if (!this.queued.isEmpty()) {
			drain();
		}
	}

	/**
	 * Runs {@code operation} now when the call is free, so that its failure reaches the caller;
	 * else queues it behind the operation in progress, as {@link #execute} does.
	 */
	public void run(Runnable operation) {
		if (tryEnter()) {
			try {
				operation.run();
			}
			finally {
				exit();
			}
		}
		else {
			execute(operation);
		}
	}

	/**
	 * Runs {@code operation} now if the call is free, else after the operations before it, on the
	 * thread that holds the call then. An operation that throws is logged and does not stop the
	 * next ones: callers that must see a failure use {@link #tryEnter()}.
	 */
	public void execute(Runnable operation) {
		this.queued.add(operation);
		drain();
	}

	private void drain() {
		while (!this.queued.isEmpty() && this.owner.compareAndSet(null, Thread.currentThread())) {
			try {
				Runnable next;
				while ((next = this.queued.poll()) != null) {
					try {
						next.run();
					}
					catch (RuntimeException ex) {
						logger.warn("An operation on a call failed", ex);
					}
				}
			}
			finally {
				this.owner.set(null);
			}
		}
	}

}
