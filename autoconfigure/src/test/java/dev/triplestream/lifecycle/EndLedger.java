package dev.triplestream.lifecycle;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.grpc.Context;
import io.grpc.Status;

import dev.triplestream.stream.EndReason;
import dev.triplestream.stream.StreamRegistry;
import dev.triplestream.stream.StreamSide;
import dev.triplestream.stream.TrackedStream;

/**
 * Listens to one side's {@link StreamRegistry} for a run: how many times each id was opened and
 * closed, with which reason and status, and which application stream (client side) or handler
 * invocation (server side) it was. A client stream is known by the thread that opens it (the
 * registry adds a call on the thread that starts it); a server call by the handler's thread, when
 * the registry adds it on the thread that runs the interceptors, just before the plan interceptor.
 */
final class EndLedger implements StreamRegistry.Listener {

	/** The server call whose registry entry the current thread opened last, until the plan interceptor takes it. */
	private static final ThreadLocal<Entry> OPENED_HERE = new ThreadLocal<>();

	/** The entry of the server call a handler serves, in its gRPC context. */
	static final Context.Key<Entry> SERVER_ENTRY = Context.key("lifecycle-server-entry");

	private final StreamSide side;

	private final Map<Long, Entry> entries = new ConcurrentHashMap<>();

	private final List<String> problems = new CopyOnWriteArrayList<>();

	EndLedger(StreamSide side) {
		this.side = side;
	}

	StreamSide side() {
		return this.side;
	}

	Map<Long, Entry> entries() {
		return this.entries;
	}

	/** What went wrong as it happened: a second close, a close without a reason, a live stream abandoned. */
	List<String> problems() {
		return this.problems;
	}

	/** The server entry this thread opened last, if any; forgets it. */
	static Entry takeOpenedHere() {
		Entry entry = OPENED_HERE.get();
		OPENED_HERE.remove();
		return entry;
	}

	@Override
	public void opened(TrackedStream stream) {
		if (stream.side() != this.side) {
			return;
		}
		Entry entry = this.entries.computeIfAbsent(stream.id(), (id) -> new Entry(stream));
		entry.opened.incrementAndGet();
		if (this.side == StreamSide.CLIENT) {
			ClientStreamRecord opening = PlanHeaders.OPENING.get();
			if (opening != null) {
				entry.client = opening;
				opening.ids.add(stream.id());
			}
		}
		else {
			OPENED_HERE.set(entry);
		}
	}

	@Override
	public void closed(TrackedStream stream) {
		if (stream.side() != this.side) {
			return;
		}
		Entry entry = this.entries.computeIfAbsent(stream.id(), (id) -> new Entry(stream));
		EndReason reason = stream.endReason();
		Status status = stream.status();
		int closes = entry.closed.incrementAndGet();
		if (closes > 1) {
			this.problems.add(stream + " closed " + closes + " times: first " + entry.reason + ", now " + reason);
			return;
		}
		entry.reason = reason;
		entry.status = status;
		if (reason == null || status == null) {
			this.problems.add(stream + " closed without an end reason or status: " + reason + " " + status);
		}
		ClientStreamRecord client = entry.client;
		if (reason == EndReason.ABANDONED && client != null && client.inOperation.get() > 0) {
			this.problems.add(stream + " ended as abandoned while an application thread was using its handle ("
					+ client + ")");
		}
	}

	/** One id's history. */
	static final class Entry {

		final long id;

		final String method;

		final String description;

		final AtomicInteger opened = new AtomicInteger();

		final AtomicInteger closed = new AtomicInteger();

		volatile EndReason reason;

		volatile Status status;

		/** Client side: the application stream that opened the call. */
		volatile ClientStreamRecord client;

		/** Server side: the handler invocation that served the call. */
		volatile ServerCallRecord server;

		Entry(TrackedStream stream) {
			this.id = stream.id();
			this.method = stream.fullMethodName();
			this.description = stream.toString();
		}

		void attach(ServerCallRecord record) {
			this.server = record;
			record.id = this.id;
		}

		@Override
		public String toString() {
			return this.description + " opened " + this.opened + " closed " + this.closed + " reason " + this.reason
					+ " status " + this.status;
		}

	}

}
