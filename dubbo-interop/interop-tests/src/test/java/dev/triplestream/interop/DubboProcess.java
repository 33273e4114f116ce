package dev.triplestream.interop;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.awaitility.Awaitility.await;

/**
 * A Dubbo peer (a main class of the {@code dubbo-peer} module) in a JVM of its own, on Dubbo's own
 * class path, which Maven resolved for that module. Commands go to its standard input; the events it
 * prints ({@code EVENT ...} lines) are collected for {@link #awaitEvent}. Closing this handle closes
 * the peer's standard input, which ends the peer, and kills it if it lingers.
 * <p>
 * Thread-safety: events are collected on a reader thread and may be read from any thread;
 * commands are sent from one test thread.
 */
final class DubboProcess implements AutoCloseable {

	/**
	 * Keeps Dubbo on loopback: with every network interface ignored, Dubbo's idea of "the local host"
	 * is 127.0.0.1, so a consumer given tri://127.0.0.1 dials 127.0.0.1 (see the README, "Talking to
	 * Dubbo").
	 */
	static final String LOOPBACK_ONLY = "-Ddubbo.network.interface.ignored=.*";

	/** Generous: a cold Dubbo JVM on a busy 2-core machine takes several seconds to start. */
	static final Duration PATIENCE = Duration.ofSeconds(90);

	private static final String EVENT = "EVENT ";

	private final String name;

	private final Process process;

	private final Writer commands;

	private final List<String> events = new CopyOnWriteArrayList<>();

	private DubboProcess(String name, Process process) {
		this.name = name;
		this.process = process;
		this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
		Thread reader = new Thread(this::collect, name + "-output");
		reader.setDaemon(true);
		reader.start();
	}

	/** Starts a {@code DubboProvider} and waits until it serves; see {@link #port()}. */
	static DubboProcess provider() {
		return provider(List.of());
	}

	/**
	 * Starts a {@code DubboProvider} that registers in {@code registryAddress} (such as
	 * {@code zookeeper://127.0.0.1:2181}) and waits until it serves.
	 */
	static DubboProcess provider(String registryAddress) {
		return provider(List.of(registryAddress));
	}

	private static DubboProcess provider(List<String> arguments) {
		DubboProcess provider = start("dubbo-provider", List.of(), "dev.triplestream.interop.dubbo.DubboProvider",
				arguments);
		provider.awaitEvent((event) -> event.startsWith("ready port="));
		return provider;
	}

	/**
	 * Starts a {@code DubboConsumer} of {@code url} on loopback and waits until it is referred.
	 */
	static DubboProcess consumer(String url, String... arguments) {
		List<String> args = new ArrayList<>(List.of(url));
		args.addAll(List.of(arguments));
		DubboProcess consumer = start("dubbo-consumer", List.of(LOOPBACK_ONLY), "dev.triplestream.interop.dubbo.DubboConsumer",
				args);
		consumer.awaitEvent((event) -> event.equals("referred"));
		return consumer;
	}

	/**
	 * Starts a peer main class; {@code prefix} is put before the {@code java} command (such as
	 * {@code unshare}), {@code jvmOptions} before the main class.
	 */
	static DubboProcess start(String name, List<String> prefix, List<String> jvmOptions, String mainClass,
			List<String> arguments) {
		List<String> command = new ArrayList<>(prefix);
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(jvmOptions);
		command.add("-XX:TieredStopAtLevel=1");
		command.add("-cp");
		command.add(peerClassPath());
		command.add(mainClass);
		command.addAll(arguments);
		try {
			return new DubboProcess(name, new ProcessBuilder(command).redirectErrorStream(true).start());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static DubboProcess start(String name, List<String> jvmOptions, String mainClass, List<String> arguments) {
		List<String> options = new ArrayList<>(jvmOptions);
		if (!options.contains(LOOPBACK_ONLY)) {
			options.add(LOOPBACK_ONLY);
		}
		return start(name, List.of(), options, mainClass, arguments);
	}

	private static String peerClassPath() {
		try {
			String classes = System.getProperty("dubbo.peer.classes");
			String dependencies = Files.readString(Path.of(System.getProperty("dubbo.peer.classpath-file"))).trim();
			return classes + java.io.File.pathSeparator + dependencies;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("the dubbo-peer module must be built first", ex);
		}
	}

	/** The port of a provider, from its {@code ready} event. */
	int port() {
		String ready = awaitEvent((event) -> event.startsWith("ready port="));
		return Integer.parseInt(ready.substring("ready port=".length()));
	}

	/** Sends one command line to the peer. */
	void send(String command) {
		try {
			this.commands.write(command + "\n");
			this.commands.flush();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Waits (up to {@link #PATIENCE}) for an event that matches, and returns the first one. */
	String awaitEvent(Predicate<String> matching) {
		return await().atMost(PATIENCE)
			.until(() -> this.events.stream().filter(matching).findFirst().orElse(null), (event) -> event != null);
	}

	/** Waits for the event {@code exactly}. */
	String awaitEvent(String exactly) {
		return awaitEvent(exactly::equals);
	}

	/** Every event so far, in order. */
	List<String> events() {
		return List.copyOf(this.events);
	}

	/** Kills the peer at once (SIGKILL), as a crash would. */
	void kill() throws InterruptedException {
		this.process.destroyForcibly();
		this.process.waitFor(30, TimeUnit.SECONDS);
	}

	@Override
	public void close() throws InterruptedException {
		try {
			this.commands.close();
		}
		catch (IOException ex) {
			// the peer is gone already
		}
		if (!this.process.waitFor(20, TimeUnit.SECONDS)) {
			kill();
		}
	}

	private void collect() {
		try (BufferedReader output = new BufferedReader(
				new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = output.readLine()) != null) {
				if (line.startsWith(EVENT)) {
					this.events.add(line.substring(EVENT.length()));
					System.out.println("[" + this.name + "] " + line);
				}
				else if (!line.isBlank() && !line.startsWith("\tat ")) {
					System.out.println("[" + this.name + " log] " + line);
				}
			}
		}
		catch (IOException ex) {
			// the process ended
		}
	}

}
