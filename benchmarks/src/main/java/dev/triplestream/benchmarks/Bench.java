package dev.triplestream.benchmarks;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;

import dev.triplestream.stream.StreamSide;

/**
 * What the scenarios share: the options, the loopback server, one raw channel and one starter
 * client side (both long-lived, like an application's), the clients of the four styles on them,
 * and a second raw channel for the A/A control.
 */
final class Bench implements AutoCloseable {

	private final BenchOptions options;

	private final Loopback loopback;

	private final ManagedChannel rawChannel;

	private final ManagedChannel controlChannel;

	private final StarterClientSide starter;

	private final Clients clients;

	private final Clients controlClients;

	private final PrintStream log;

	private final long started = System.nanoTime();

	Bench(BenchOptions options, PrintStream log) throws IOException {
		this.options = options;
		this.log = log;
		this.loopback = new Loopback();
		this.rawChannel = this.loopback.newRawChannel();
		this.starter = this.loopback.newStarterClientSide(Loopback.SETTINGS, options.grace());
		this.clients = new Clients(this.rawChannel, this.starter.client());
		this.controlChannel = this.loopback.newRawChannel();
		this.controlClients = new Clients(this.controlChannel, null);
	}

	BenchOptions options() {
		return this.options;
	}

	Loopback loopback() {
		return this.loopback;
	}

	StarterClientSide starter() {
		return this.starter;
	}

	Clients clients() {
		return this.clients;
	}

	/** Raw clients on a second plain channel, for the A/A control; see {@link Contender}. */
	Clients controlClients() {
		return this.controlClients;
	}

	/** Progress, on the log stream, with the time since start. */
	void log(String format, Object... args) {
		double seconds = (System.nanoTime() - this.started) / 1e9;
		this.log.printf(Locale.ROOT, "[%7.1fs] %s%n", seconds, String.format(Locale.ROOT, format, args));
		this.log.flush();
	}

	/**
	 * Waits until the starter's registry and the server have no stream left, so that a scenario
	 * starts from a quiet state.
	 * @throws IllegalStateException when streams are left after {@code timeout}
	 */
	void awaitQuiet(Duration timeout) throws InterruptedException {
		if (!this.starter.registry().awaitEmpty(StreamSide.CLIENT, timeout)) {
			throw new IllegalStateException(this.starter.registry().count(StreamSide.CLIENT)
					+ " starter client streams still open after " + timeout);
		}
		this.loopback.awaitServerIdle(timeout);
	}

	@Override
	public void close() throws InterruptedException {
		this.starter.close();
		this.rawChannel.shutdownNow();
		this.controlChannel.shutdownNow();
		this.rawChannel.awaitTermination(5, TimeUnit.SECONDS);
		this.controlChannel.awaitTermination(5, TimeUnit.SECONDS);
		this.loopback.close();
	}

}
