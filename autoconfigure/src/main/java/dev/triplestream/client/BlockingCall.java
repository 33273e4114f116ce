package dev.triplestream.client;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * The state behind the blocking handles ({@link BidiStream}, {@link ServerStream}): a listener that
 * queues responses as the transport delivers them, and the waits of {@code send}, {@code receive}
 * and {@code close}.
 * <p>
 * Two locks, never nested in this order: {@link #lock} guards the queue and the end state, and is
 * the only lock listener callbacks take; the call's own lock guards every operation on the
 * {@code ClientCall}. Code here never calls into the call while holding {@link #lock}, so a
 * transport that calls back on the sending thread, or holds its own locks while calling back,
 * cannot deadlock with a sender or receiver. Instances never refer to the handle that owns them, so
 * a dropped handle can be garbage-collected and reported as a leak.
 */
final class BlockingCall<Req, Resp> extends ClientCall.Listener<Resp> {

	/** Responses requested ahead of the reader, so that the transport keeps delivering. */
	private static final int PREFETCH = 16;

	private static final int REFILL = PREFETCH / 2;

	/** Effectively unbounded, yet far from overflowing grpc's int counter of pending deliveries. */
	private static final int OPEN_WINDOW = Integer.MAX_VALUE / 2;

	/** How long close() waits for a cancellation to reach the listener: a bound, not a delay. */
	private static final long CANCELLATION_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);

	private final TrackedClientCall<Req, Resp> call;

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition changed = this.lock.newCondition();

	private final ArrayDeque<Resp> responses = new ArrayDeque<>();

	private Metadata headers;

	private volatile Status status;

	private Metadata trailers;

	private boolean discarding;

	private boolean sendClosed;

	private volatile boolean windowOpen;

	private volatile boolean closed;

	/** Touched by the receiving thread only. */
	private int consumedSinceRequest;

	BlockingCall(TrackedClientCall<Req, Resp> call) {
		this.call = call;
	}

	void start() {
		this.call.setDrainAction(this::openWindow);
		this.call.start(this, new Metadata());
		this.call.request(PREFETCH);
	}

	// Listener callbacks: take only this.lock, never block.

	@Override
	public void onHeaders(Metadata headers) {
		this.lock.lock();
		try {
			this.headers = headers;
			this.changed.signalAll();
		}
		finally {
			this.lock.unlock();
		}
	}

	@Override
	public void onMessage(Resp message) {
		this.lock.lock();
		try {
			if (!this.discarding) {
				this.responses.add(message);
			}
			this.changed.signalAll();
		}
		finally {
			this.lock.unlock();
		}
	}

	@Override
	public void onReady() {
		this.lock.lock();
		try {
			this.changed.signalAll();
		}
		finally {
			this.lock.unlock();
		}
	}

	@Override
	public void onClose(Status status, Metadata trailers) {
		this.lock.lock();
		try {
			this.trailers = trailers;
			this.status = status;
			this.changed.signalAll();
		}
		finally {
			this.lock.unlock();
		}
	}

	// The handles' operations.

	void send(Req message) {
		this.lock.lock();
		try {
			if (this.sendClosed) {
				throw new IllegalStateException("send() after closeSend(): the stream is half-closed");
			}
			while (this.status == null && !this.call.isHalfClosed() && !this.call.isReady()) {
				this.changed.await();
			}
			if (this.status != null) {
				throw this.status.asRuntimeException(this.trailers);
			}
		}
		catch (InterruptedException ex) {
			throw interrupted("send()");
		}
		finally {
			this.lock.unlock();
		}
		this.call.sendMessage(message);
	}

	void closeSend() {
		this.lock.lock();
		try {
			if (this.sendClosed) {
				return;
			}
			this.sendClosed = true;
		}
		finally {
			this.lock.unlock();
		}
		this.call.halfClose();
	}

	/**
	 * @param timeoutNanos how long to wait, or a negative value to wait for as long as it takes
	 */
	Resp receive(long timeoutNanos) throws TimeoutException {
		Resp response;
		Status end;
		Metadata endTrailers;
		this.lock.lock();
		try {
			long left = timeoutNanos;
			while ((response = this.responses.poll()) == null && this.status == null) {
				if (timeoutNanos < 0) {
					this.changed.await();
				}
				else if (left <= 0) {
					throw new TimeoutException("no response within " + Duration.ofNanos(timeoutNanos));
				}
				else {
					left = this.changed.awaitNanos(left);
				}
			}
			end = this.status;
			endTrailers = this.trailers;
		}
		catch (InterruptedException ex) {
			throw interrupted("receive()");
		}
		finally {
			this.lock.unlock();
		}
		if (response != null) {
			if (++this.consumedSinceRequest >= REFILL) {
				this.consumedSinceRequest = 0;
				if (end == null && !this.windowOpen) {
					this.call.request(REFILL);
				}
			}
			return response;
		}
		if (end.isOk()) {
			return null;
		}
		throw end.asRuntimeException(endTrailers);
	}

	Resp receive() {
		try {
			return receive(-1);
		}
		catch (TimeoutException ex) {
			throw new IllegalStateException(ex);
		}
	}

	Metadata headers() {
		this.lock.lock();
		try {
			while (this.headers == null && this.status == null) {
				this.changed.await();
			}
			return (this.headers != null) ? this.headers : new Metadata();
		}
		catch (InterruptedException ex) {
			throw interrupted("headers()");
		}
		finally {
			this.lock.unlock();
		}
	}

	Metadata trailers() {
		this.lock.lock();
		try {
			return (this.status != null) ? this.trailers : null;
		}
		finally {
			this.lock.unlock();
		}
	}

	Status status() {
		return this.status;
	}

	boolean isDone() {
		return this.status != null;
	}

	boolean isClosed() {
		return this.closed;
	}

	void cancel(String reason) {
		this.call.cancel(Status.CANCELLED.withDescription(reason));
	}

	void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		this.lock.lock();
		try {
			this.discarding = true;
			this.responses.clear();
			if (this.status != null) {
				return;
			}
		}
		finally {
			this.lock.unlock();
		}
		this.call.halfClose();
		openWindow();
		TimeoutSetting closeTimeout = this.call.settings().closeTimeout();
		try {
			if (!awaitEnd(closeTimeout.isSet() ? closeTimeout.value().toNanos() : 0)) {
				this.call.cancel(Status.CANCELLED
					.withDescription("closed: the server did not end the stream within " + closeTimeout.describe()));
				// The cancellation ends the call locally, but on some transports (Netty) only once
				// the transport's thread has run: wait for it, so that the stream has ended when
				// close() returns.
				awaitEnd(CANCELLATION_WAIT_NANOS);
			}
		}
		catch (InterruptedException ex) {
			this.call.cancel(Status.CANCELLED.withDescription("interrupted while closing the stream"));
			Thread.currentThread().interrupt();
		}
	}

	/** Waits up to {@code nanos} for the stream to end; returns whether it has. */
	private boolean awaitEnd(long nanos) throws InterruptedException {
		this.lock.lock();
		try {
			long left = nanos;
			while (this.status == null && left > 0) {
				left = this.changed.awaitNanos(left);
			}
			return this.status != null;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Lets every pending response through so that the server's trailers can arrive while nobody
	 * reads; called by {@code close()} and by the shutdown drain.
	 */
	void openWindow() {
		if (this.windowOpen) {
			return;
		}
		this.windowOpen = true;
		this.call.request(OPEN_WINDOW);
		// A sender waiting for readiness must see the half-close that came with the drain.
		this.lock.lock();
		try {
			this.changed.signalAll();
		}
		finally {
			this.lock.unlock();
		}
	}

	Iterator<Resp> iterator() {
		return new Iterator<>() {

			private Resp next;

			@Override
			public boolean hasNext() {
				if (this.next == null) {
					this.next = receive();
				}
				return this.next != null;
			}

			@Override
			public Resp next() {
				if (!hasNext()) {
					throw new NoSuchElementException("the stream has ended");
				}
				Resp current = this.next;
				this.next = null;
				return current;
			}

		};
	}

	/** Called with {@link #lock} held; releases nothing, so the caller's finally unlocks. */
	private StatusRuntimeException interrupted(String where) {
		String description = "thread interrupted while waiting in " + where;
		Thread.currentThread().interrupt();
		// Cancel outside the queue lock: the cancel may call back into onClose on this thread,
		// which takes the (reentrant) queue lock; any other order would break the lock rule.
		this.lock.unlock();
		try {
			this.call.cancel(Status.CANCELLED.withDescription(description));
		}
		finally {
			this.lock.lock();
		}
		return Status.CANCELLED.withDescription(description).asRuntimeException();
	}

}
