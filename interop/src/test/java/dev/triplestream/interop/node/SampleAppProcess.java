package dev.triplestream.interop.node;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;

/**
 * The sample application's executable jar ({@code sample-app/target}) running in its own process,
 * as a user runs it, with the demo off, on a free loopback port. Its output goes to
 * {@code target/peers/sample-app.log}.
 * <p>
 * Not thread-safe: one test thread starts and stops it.
 */
final class SampleAppProcess {

	private final Process process;

	private final Path log;

	private final int port;

	private SampleAppProcess(Process process, Path log, int port) {
		this.process = process;
		this.log = log;
		this.port = port;
	}

	/** Starts the jar and waits until it has started. */
	static SampleAppProcess start() throws IOException {
		Path jar = Paths.get(System.getProperty("interop.sample.jar", "../sample-app/target/missing.jar"));
		if (!Files.isRegularFile(jar)) {
			throw new IllegalStateException("No sample application jar at " + jar
					+ ": package the sample-app module first (mvn verify from the root does)");
		}
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		Path log = Paths.get("target", "peers", "sample-app.log");
		Files.createDirectories(log.getParent());
		Process process = new ProcessBuilder(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
				"-Xmx256m", "-jar", jar.toString(), "--triple.server.port=" + port, "--server.port=0",
				"--sample.demo.enabled=false"))
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		SampleAppProcess app = new SampleAppProcess(process, log, port);
		Awaitility.await("sample application started")
			.atMost(Duration.ofSeconds(90))
			.until(() -> app.log().contains("Started SampleApplication") || !process.isAlive());
		if (!process.isAlive()) {
			throw new IllegalStateException("The sample application exited at start-up:\n" + app.log());
		}
		return app;
	}

	int port() {
		return this.port;
	}

	/** Sends SIGTERM, as a container runtime or Ctrl-C would. */
	void terminate() {
		this.process.destroy();
	}

	boolean awaitExit(Duration timeout) throws InterruptedException {
		return this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
	}

	boolean isAlive() {
		return this.process.isAlive();
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
	void kill() throws InterruptedException {
		if (this.process.isAlive()) {
			this.process.destroyForcibly().waitFor();
		}
	}

}
