package dev.triplestream.faults;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.awaitility.Awaitility;

import dev.triplestream.sample.SampleApplication;

/**
 * The sample application in a JVM of its own, started from this JVM's class path (which holds the
 * sample's classes), on a free loopback port with the demo off. Its output goes to
 * {@code target/faults/<name>.log}.
 * <p>
 * Not thread-safe: one test thread starts and stops it.
 */
final class SampleServerProcess {

	private final Process process;

	private final Path log;

	private final int port;

	private SampleServerProcess(Process process, Path log, int port) {
		this.process = process;
		this.log = log;
		this.port = port;
	}

	/** Starts the sample and waits until it has started. */
	static SampleServerProcess start(String name, String... args) throws IOException {
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		Path log = Path.of("target", "faults", name + ".log");
		Files.createDirectories(log.getParent());
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-Xmx256m", "-cp", System.getProperty("java.class.path"), SampleApplication.class.getName(),
				"--triple.server.port=" + port, "--triple.server.address=127.0.0.1", "--sample.demo.enabled=false"));
		command.addAll(List.of(args));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		SampleServerProcess server = new SampleServerProcess(process, log, port);
		Awaitility.await("sample application started")
			.atMost(Duration.ofSeconds(120))
			.until(() -> server.log().contains("Started SampleApplication") || !process.isAlive());
		if (!process.isAlive()) {
			throw new IllegalStateException("The sample application exited at start-up:\n" + server.log());
		}
		return server;
	}

	int port() {
		return this.port;
	}

	/** Kills the process as {@code kill -9} does: no shutdown hook, no drain, sockets closed by the OS. */
	void killForcibly() throws InterruptedException {
		this.process.destroyForcibly().waitFor();
	}

	String log() {
		try {
			return Files.readString(this.log);
		}
		catch (IOException ex) {
			return "(log unreadable: " + ex + ")";
		}
	}

	/** Kills the process if a test left it running. */
	void stop() throws InterruptedException {
		if (this.process.isAlive()) {
			killForcibly();
		}
	}

}
