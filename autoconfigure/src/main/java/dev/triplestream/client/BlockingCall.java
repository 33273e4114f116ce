package dev.triplestream.client;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

import dev.triplestream.stream.EndReason;

/**
 * The state behind the blocking handles ({@link BidiStream}, {@link ServerStream}): a listener that
 * queues responses as the transport delivers them, and the waits of {@code send}, {@code receive}
 * and {@code close}.
 * <p>
 * {@link #lock} guards the queue and the end state, and is the only lock listener callbacks take.
 * It is never held while calling into the call (nor, through it, into grpc), so a transport that
 * calls back on the sending thread, or holds its own locks while calling back, cannot deadlock with
 * a sender or receiver. Two conditions: {@link #arrived} (a response, the headers or the end) for
 * readers, {@link #writable} (the transport became ready, or the stream can take no more) for the
 * sender. Instances never refer to the handle that owns them, so a dropped handle can be
 * garbage-collected and reported as a leak.
 */
final class BlockingCall<Req, Resp> extends ClientCall.Listener<Resp> {

	/** Responses requested ahead of the reader, so that the transport keeps delivering. */
	private static final int PREFETCH = 16;

	private static final int REFILL = PREFETCH / 2;

	/** Effectively unbounded, yet far from overflowing grpc's int counter of pending deliveries. */
	private static final int OPEN_WINDOW = Integer.MAX_VALUE / 2;

	private final TrackedClientCall<Req, Resp> call;

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition arrived = this.lock.newCondition();

	private final Condition writable = this.lock.newCondition();

	private final ArrayDeque<Resp> responses = new ArrayDeque<>();

	private Metadata headers;

	private volatile Status status;

	private Metadata trailers;

	/** Guarded by {@link #lock}: incremented by each {@code onReady}. */
	private int readiness;

	private boolean discarding;

	private boolean sendClosed;

	private volatile boolean closed;

	/** An interrupted wait ended the stream, or found it ended: its recorded end stands. */
	private volatile boolean endRecordedFirst;

	/** Touched by the receiving thread only. */
	private int consumedSinceRequest;

	BlockingCall(TrackedClientCall<Req, Resp> call) {
		this.call = call;
	}

	void start() {
		this.call.setWakeUp(this::wakeAll);
		this.call.start(this, new Metadata());
		this.call.request(PREFETCH);
	}

	// Listener callbacks: take only this.lock, never block.

	@Override
	public void onHeaders(Metadata headers) {
		this.lock.lock();
		try {
			this.headers = headers;
			this.arrived.signalAll();
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
				this.arrived.signal();
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	@Override
	public void onReady() {
		this.lock.lock();
		try {
			this.readiness++;
			this.writable.signal();
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
			this.arrived.signalAll();
			this.writable.signalAll();
		}
		finally {
			this.lock.unlock();
		}
	}

	/** This side ended the call, or the drain half-closed it: every wait must look again. */
	private void wakeAll() {
		this.lock.lock();
		try {
			this.arrived.signalAll();
			this.writable.signalAll();
		}
		finally {
			this.lock.unlock();
		}
	}

	/** The end as the handle reports it: delivered by grpc, or recorded when this side ended it. */
	private Status end() {
		Status delivered = this.status;
		if (delivered != null || !(this.endRecordedFirst || this.call.isCutHere())) {
			// An end that grpc delivers is reported once delivered, with its trailers.
			return delivered;
		}
		return this.call.lifecycle().endStatus();
	}

	// The handles' operations.

	void send(Req message) {
		while (true) {
			int seen;
			this.lock.lock();
			try {
				if (this.sendClosed) {
					throw new IllegalStateException("send() after closeSend(): the stream is half-closed");
				}
				Status end = end();
				if (end != null) {
					throw end.asRuntimeException(this.trailers);
				}
				seen = this.readiness;
			}
			finally {
				this.lock.unlock();
			}
			// The call decides the outcome of a send it cannot take (half-closed by the drain).
			if (this.call.isHalfClosed() || this.call.isReady()) {
				break;
			}
			this.lock.lock();
			try {
				while (seen == this.readiness && end() == null && !this.call.isHalfClosed()) {
					this.writable.await();
				}
			}
			catch (InterruptedException ex) {
				throw interrupted("send()");
			}
			finally {
				this.lock.unlock();
			}
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
			try {
				while ((response = this.responses.poll()) == null && (end = end()) == null) {
					if (timeoutNanos < 0) {
						this.arrived.await();
					}
					else if (left <= 0) {
						throw new TimeoutException("no response within " + Duration.ofNanos(timeoutNanos));
					}
					else {
						left = this.arrived.awaitNanos(left);
					}
				}
			}
			catch (InterruptedException ex) {
				// The interrupt ends the stream, unless it ended meanwhile: what arrived before the end
				// is still returned first, and an end recorded as OK is reported as one.
				cancelForInterrupt("receive()");
				response = this.responses.poll();
			}
			end = (response != null) ? null : end();
			endTrailers = this.trailers;
		}
		finally {
			this.lock.unlock();
		}
		if (response != null) {
			this.call.consumed();
			if (++this.consumedSinceRequest >= REFILL) {
				this.consumedSinceRequest = 0;
				this.call.request(REFILL);
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
			while (this.headers == null && end() == null) {
				this.arrived.await();
			}
			return (this.headers != null) ? this.headers : new Metadata();
		}
		catch (InterruptedException ex) {
			cancelForInterrupt("headers()");
			Status end = end();
			if (this.headers == null && !end.isOk()) {
				throw end.asRuntimeException();
			}
			return (this.headers != null) ? this.headers : new Metadata();
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
		return end();
	}

	boolean isDone() {
		return end() != null;
	}

	boolean isClosed() {
		return this.closed;
	}

	void cancel(String reason) {
		this.call.end(EndReason.CANCELLED_BY_APPLICATION, Status.CANCELLED.withDescription(reason));
	}

	void onDrain(Runnable action) {
		this.call.lifecycle().onDrain(action);
	}

	/**
	 * Ends the stream for an application that stops reading: a bidi stream it has not half-closed
	 * is half-closed and given the close timeout to end, since the half-close may let the server
	 * finish; any other (server-streaming, or already half-closed) has nothing left to ask of the
	 * server and is cancelled at once.
	 */
	void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		boolean halfCloseLeft;
		this.lock.lock();
		try {
			this.discarding = true;
			this.responses.clear();
			if (end() != null) {
				return;
			}
			halfCloseLeft = !this.sendClosed;
		}
		finally {
			this.lock.unlock();
		}
		TimeoutSetting closeTimeout = this.call.settings().closeTimeout();
		boolean bidi = this.call.type() == MethodDescriptor.MethodType.BIDI_STREAMING;
		if (!bidi || !halfCloseLeft) {
			this.call.end(EndReason.CANCELLED_BY_APPLICATION,
					Status.CANCELLED.withDescription("closed by the application before the stream ended"));
			return;
		}
		Status timedOut = Status.CANCELLED
			.withDescription("closed: the server did not end the stream within " + closeTimeout.describe());
		long waitNanos = closeTimeout.isSet() ? closeTimeout.value().toNanos() : 0;
		if (waitNanos <= 0) {
			this.call.end(EndReason.CLOSE_TIMEOUT, timedOut);
			return;
		}
		closeSend();
		// Let the responses through unread, so that the server's trailers can arrive.
		this.call.request(OPEN_WINDOW);
		try {
			if (!awaitEnd(waitNanos)) {
				this.call.end(EndReason.CLOSE_TIMEOUT, timedOut);
			}
		}
		catch (InterruptedException ex) {
			this.call.end(EndReason.CANCELLED_BY_APPLICATION,
					Status.CANCELLED.withDescription("interrupted while closing the stream"));
			Thread.currentThread().interrupt();
		}
	}

	/** Waits up to {@code nanos} for the stream to end; returns whether it has. */
	private boolean awaitEnd(long nanos) throws InterruptedException {
		this.lock.lock();
		try {
			long left = nanos;
			while (end() == null && left > 0) {
				left = this.arrived.awaitNanos(left);
			}
			return end() != null;
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Called with {@link #lock} held; releases nothing, so the caller's finally unlocks. */
	private StatusRuntimeException interrupted(String where) {
		cancelForInterrupt(where);
		return end().asRuntimeException();
	}

	/**
	 * Ends the stream for a thread interrupted in {@code where}, unless it has ended, and keeps the
	 * thread's interrupt flag. Called with {@link #lock} held, and returns with it held; from then
	 * on {@link #end()} is set.
	 */
	private void cancelForInterrupt(String where) {
		String description = "thread interrupted while waiting in " + where;
		Thread.currentThread().interrupt();
		// End the call outside the queue lock: the cancel may call back into onClose on this
		// thread; no lock of ours may be held across a call into grpc.
		this.lock.unlock();
		try {
			this.call.end(EndReason.CANCELLED_BY_APPLICATION, Status.CANCELLED.withDescription(description));
		}
		finally {
			this.lock.lock();
		}
		// The stream may have ended first, its end still on its way from grpc: the interrupted thread
		// reports the recorded end, which is the one the application is told.
		this.endRecordedFirst = true;
	}

}
