package dev.triplestream.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.grpc.Server;

/**
 * The started transports of a {@link TripleServer}, handled as one: at least one of the two is set.
 *
 * @param network the netty server, or null when the network listener is off
 * @param inProcess the in-process server, or null when none is named
 */
record ServerTransports(Server network, Server inProcess) {

	ServerTransports {
		if (network == null && inProcess == null) {
			throw new IllegalArgumentException("A Triple server needs at least one transport");
		}
	}

	/** The port the network server listens on; -1 without one. */
	int port() {
		return (this.network != null) ? this.network.getPort() : -1;
	}

	private List<Server> all() {
		List<Server> servers = new ArrayList<>(2);
		if (this.network != null) {
			servers.add(this.network);
		}
		if (this.inProcess != null) {
			servers.add(this.inProcess);
		}
		return servers;
	}

	/** Refuses new calls (GOAWAY over the network); the calls in flight go on. */
	void shutdown() {
		all().forEach(Server::shutdown);
	}

	/** Ends every call and connection now. */
	void shutdownNow() {
		all().forEach(Server::shutdownNow);
	}

	/**
	 * Waits up to {@code timeout} for every transport to terminate.
	 * @return whether all did
	 */
	boolean awaitTermination(Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		for (Server server : all()) {
			long left = Math.max(deadline - System.nanoTime(), 0);
			if (!server.awaitTermination(left, TimeUnit.NANOSECONDS)) {
				return false;
			}
		}
		return true;
	}

}
