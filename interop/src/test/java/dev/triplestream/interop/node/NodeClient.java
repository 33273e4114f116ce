package dev.triplestream.interop.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One run of {@code src/test/node/sample-client.js} (grpc-js) in its own Node.js process. Its
 * output goes to {@code target/peers/node-<case>.log}.
 */
final class NodeClient {

	static final Path NODE_DIR = Paths.get(System.getProperty("interop.node.dir", "src/test/node"));

	private final Process process;

	private final Path log;

	private NodeClient(Process process, Path log) {
		this.process = process;
		this.log = log;
	}

	/** Whether a {@code node} executable is on the PATH. */
	static boolean nodeAvailable() {
		try {
			Process version = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
			return version.waitFor(30, TimeUnit.SECONDS) && version.exitValue() == 0;
		}
		catch (IOException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	/** Whether {@code npm install} has been run in the Node test tree. */
	static boolean modulesInstalled() {
		return Files.isDirectory(NODE_DIR.resolve("node_modules/@grpc/grpc-js"))
				&& Files.isDirectory(NODE_DIR.resolve("node_modules/@grpc/proto-loader"));
	}

	/** Starts case {@code testCase} of the script against the sample application on {@code port}. */
	static NodeClient start(String testCase, int port) throws IOException {
		Path proto = Paths.get(System.getProperty("interop.sample.proto", "../sample-app/src/main/proto/chat.proto"))
			.toAbsolutePath();
		Path log = Paths.get("target", "peers", "node-" + testCase + ".log").toAbsolutePath();
		Files.createDirectories(log.getParent());
		Process process = new ProcessBuilder("node", "sample-client.js", testCase, "localhost:" + port, proto.toString())
			.directory(NODE_DIR.toFile())
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		return new NodeClient(process, log);
	}

	/** Waits for the script to exit; kills it and fails after {@code seconds}. */
	int awaitExit(long seconds) throws InterruptedException {
		if (!this.process.waitFor(seconds, TimeUnit.SECONDS)) {
			this.process.destroyForcibly().waitFor();
			throw new AssertionError("node did not exit within " + seconds + " s; output:\n" + output());
		}
		return this.process.exitValue();
	}

	String output() {
		try {
			return Files.readString(this.log);
		}
		catch (IOException ex) {
			return "(output unreadable: " + ex + ")";
		}
	}

}
