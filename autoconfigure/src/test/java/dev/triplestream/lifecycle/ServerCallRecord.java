package dev.triplestream.lifecycle;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What one handler invocation of {@link ScriptedEchoService} did: the responses it sent, whether
 * it completed the call with OK, and the end callbacks (cancel or close) grpc gave it. Thread-safe.
 */
final class ServerCallRecord {

	private final String key;

	private final String method;

	private final StreamPlan.ServerPlan plan;

	private final List<Long> sent = new ArrayList<>();

	private final List<String> ends = new CopyOnWriteArrayList<>();

	private volatile boolean completedOk;

	/** The server registry's id of the call, when the registry told of it on the handler's thread. */
	volatile long id = -1;

	ServerCallRecord(String key, String method, StreamPlan.ServerPlan plan) {
		this.key = key;
		this.method = method;
		this.plan = plan;
	}

	String key() {
		return this.key;
	}

	StreamPlan.ServerPlan plan() {
		return this.plan;
	}

	void sent(long seq) {
		synchronized (this.sent) {
			this.sent.add(seq);
		}
	}

	List<Long> sentSeqs() {
		synchronized (this.sent) {
			return List.copyOf(this.sent);
		}
	}

	void completedOk() {
		this.completedOk = true;
	}

	boolean isCompletedOk() {
		return this.completedOk;
	}

	/** grpc told the handler the call ended: {@code cancel} or {@code close}. */
	void ended(String how) {
		this.ends.add(how);
	}

	List<String> ends() {
		return this.ends;
	}

	@Override
	public String toString() {
		return this.key + " " + this.method + " " + this.plan.mode() + " id " + this.id + " sent " + sentSeqs().size()
				+ (this.completedOk ? " completed OK" : "") + " ends " + this.ends;
	}

}
