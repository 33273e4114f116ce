package dev.triplestream.faults;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.triplestream.sample.SampleApplication;
import dev.triplestream.server.TripleServer;
import dev.triplestream.stream.StreamRegistry;
import dev.triplestream.stream.StreamSide;

/**
 * The sample application (its {@code application.yml}, its {@code ChatService}) running in this JVM
 * on a loopback port, with the demo off, so that a test can read its stream registry. Clients reach
 * it over a real socket.
 * <p>
 * Not thread-safe: one test thread starts and stops it.
 */
final class SampleServer implements AutoCloseable {

	private final ConfigurableApplicationContext context;

	private SampleServer(ConfigurableApplicationContext context) {
		this.context = context;
	}

	/**
	 * Starts the sample on a free port.
	 * @param args command-line arguments, such as {@code --triple.server.keepalive.time=1s}
	 */
	static SampleServer start(String... args) throws IOException {
		return start(freePort(), args);
	}

	/**
	 * Starts the sample on {@code port}: its own {@code chat} and {@code ticker} channels point
	 * there, as in the sample's configuration.
	 */
	static SampleServer start(int port, String... args) {
		List<String> all = new ArrayList<>(List.of("--triple.server.port=" + port, "--triple.server.address=127.0.0.1",
				"--sample.demo.enabled=false", "--spring.main.banner-mode=off"));
		all.addAll(List.of(args)); // later arguments win
		ConfigurableApplicationContext context = new SpringApplicationBuilder(SampleApplication.class)
			.web(WebApplicationType.NONE)
			.registerShutdownHook(false)
			.run(all.toArray(String[]::new));
		return new SampleServer(context);
	}

	static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	int port() {
		return this.context.getBean(TripleServer.class).getPort();
	}

	StreamRegistry registry() {
		return this.context.getBean(StreamRegistry.class);
	}

	/** The server calls open now. */
	int openStreams() {
		return registry().count(StreamSide.SERVER);
	}

	boolean isRunning() {
		return this.context.isActive();
	}

	/** Closes the application context: the server's graceful drain, as at SIGTERM. Blocks until done. */
	@Override
	public void close() {
		this.context.close();
	}

}
