package dev.triplestream.interop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A separate JVM running one of grpc-java's interop programs ({@code TestServiceClient} or
 * {@code TestServiceServer}) on the class path that the {@code interop-peer} module resolved: the
 * interop suite's own grpc-java, Netty and the rest, never this build's. Its output (stdout and
 * stderr together) goes to a file under {@code target/}.
 * <p>
 * Not thread-safe: one test thread starts, reads and stops it.
 */
public final class PeerJvm implements AutoCloseable {

	static final String INTEROP_PACKAGE = "io.grpc.testing.integration.";

	private final Process process;

	private final Path output;

	private PeerJvm(Process process, Path output) {
		this.process = process;
		this.output = output;
	}

	/**
	 * Starts {@code mainClass} of the interop suite with {@code args}.
	 * @param name names the output file, {@code target/peers/<name>.log}
	 */
	public static PeerJvm start(String name, String mainClass, String... args) throws IOException {
		return launch(name, INTEROP_PACKAGE + mainClass, args);
	}

	/**
	 * Runs a single Java source file of {@code src/test/peer} (compiled by the peer JVM itself, on
	 * the peer class path) with {@code args}.
	 */
	public static PeerJvm startSource(String name, String sourceFile, String... args) throws IOException {
		return launch(name, Paths.get("src", "test", "peer", sourceFile).toString(), args);
	}

	private static PeerJvm launch(String name, String mainClassOrSource, String... args) throws IOException {
		List<String> command = new ArrayList<>();
		command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
		command.add("-Xmx256m");
		command.add("-XX:TieredStopAtLevel=1");
		command.add("-cp");
		command.add(classPath());
		command.add(mainClassOrSource);
		command.addAll(List.of(args));
		Path output = Paths.get("target", "peers", name + ".log");
		Files.createDirectories(output.getParent());
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(output.toFile())
			.start();
		return new PeerJvm(process, output);
	}

	private static String classPath() throws IOException {
		String file = System.getProperty("interop.peer.classpath");
		if (file == null || !Files.isRegularFile(Paths.get(file))) {
			throw new IllegalStateException("No interop peer class path at " + file
					+ ": build the interop-peer module first (mvn verify from the root does)");
		}
		return Files.readString(Paths.get(file)).trim();
	}

	/** Waits for the JVM to exit; kills it and fails after {@code seconds}. */
	public int awaitExit(long seconds) throws InterruptedException {
		if (!this.process.waitFor(seconds, TimeUnit.SECONDS)) {
			this.process.destroyForcibly().waitFor();
			throw new AssertionError("Peer did not exit within " + seconds + " s; output:\n" + output());
		}
		return this.process.exitValue();
	}

	public boolean isAlive() {
		return this.process.isAlive();
	}

	/** All the output so far. */
	public String output() {
		try {
			return Files.readString(this.output);
		}
		catch (IOException ex) {
			return "(output unreadable: " + ex + ")";
		}
	}

	@Override
	public void close() throws InterruptedException {
		this.process.destroy();
		if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
			this.process.destroyForcibly().waitFor();
		}
	}

}
