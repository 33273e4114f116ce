package dev.triplestream.lifecycle;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.grpc.Status;

/**
 * What the application saw of one client stream: the responses it received, the ends it was told
 * of, and what went wrong in its threads. Written by the stream's threads and its observer's
 * callbacks, read by the checks once the run is over. Never refers to the stream's handle, so that
 * a dropped handle can be garbage-collected as the application would drop it.
 */
final class ClientStreamRecord {

	private final StreamPlan plan;

	private final List<Long> received = new ArrayList<>();

	private final List<Status> ends = new CopyOnWriteArrayList<>();

	private final List<String> unexpected = new CopyOnWriteArrayList<>();

	/** The registry ids of the calls the stream made (one, unless something is wrong). */
	final List<Long> ids = new CopyOnWriteArrayList<>();

	/** How many end callbacks an asynchronous observer or future had. */
	final AtomicInteger terminals = new AtomicInteger();

	/** How many application threads are inside an operation on the handle right now. */
	final AtomicInteger inOperation = new AtomicInteger();

	/** How many of the stream's threads are still running. */
	final AtomicInteger activeThreads = new AtomicInteger();

	final AtomicInteger interrupts = new AtomicInteger();

	final AtomicInteger sendsRefused = new AtomicInteger();

	private volatile boolean closeStarted;

	/** Whether {@code close()} had begun when the application was told of an OK end. */
	private volatile boolean okAfterClose;

	/** Whether the application hears of the end through callbacks (an observer or a future). */
	private volatile boolean asynchronous;

	ClientStreamRecord(StreamPlan plan) {
		this.plan = plan;
	}

	StreamPlan plan() {
		return this.plan;
	}

	void expectsCallbacks() {
		this.asynchronous = true;
	}

	boolean isAsynchronous() {
		return this.asynchronous;
	}

	void received(long seq) {
		synchronized (this.received) {
			this.received.add(seq);
		}
	}

	List<Long> receivedSeqs() {
		synchronized (this.received) {
			return List.copyOf(this.received);
		}
	}

	/** The application was told the stream ended with {@code status}. */
	void ended(Status status) {
		if (status.isOk() && this.closeStarted) {
			this.okAfterClose = true;
		}
		this.ends.add(status);
	}

	/** An asynchronous observer's or future's end callback. */
	void terminal(Status status) {
		this.terminals.incrementAndGet();
		ended(status);
	}

	List<Status> ends() {
		return this.ends;
	}

	void closing() {
		this.closeStarted = true;
	}

	boolean okAfterClose() {
		return this.okAfterClose;
	}

	void unexpected(String where, Throwable failure) {
		this.unexpected.add(where + ": " + failure);
	}

	List<String> unexpected() {
		return this.unexpected;
	}

	void enter() {
		this.inOperation.incrementAndGet();
	}

	void exit() {
		this.inOperation.decrementAndGet();
	}

	@Override
	public String toString() {
		return this.plan.key() + " " + this.plan.shape() + " server " + this.plan.server().mode() + " ids "
				+ this.ids + " ends " + this.ends;
	}

}
