package dev.triplestream.interop.client;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;

import org.awaitility.Awaitility;

import dev.triplestream.interop.PeerJvm;

/**
 * grpc-java's interop {@code TestServiceServer}, unchanged, in its own JVM on its own grpc-java,
 * plaintext on a loopback port. One per test JVM, started by the first test class that needs it
 * and stopped when the JVM exits.
 * <p>
 * Thread-safe: {@link #port()} may be called from any thread.
 */
final class InteropServerPeer {

	private static PeerJvm server;

	private static int port;

	private InteropServerPeer() {
	}

	/** The server's port, starting it on first use. */
	static synchronized int port() throws IOException {
		if (server == null) {
			port = freePort();
			server = PeerJvm.start("interop-server", "TestServiceServer", "--port=" + port, "--use_tls=false",
					"--address_type=IPV4");
			Runtime.getRuntime().addShutdownHook(new Thread(InteropServerPeer::stop, "interop-server-stop"));
			PeerJvm started = server;
			Awaitility.await("interop TestServiceServer started")
				.atMost(Duration.ofSeconds(60))
				.until(() -> started.output().contains("Server started on port") || !started.isAlive());
			if (!started.isAlive()) {
				throw new IllegalStateException("TestServiceServer exited:\n" + started.output());
			}
		}
		return port;
	}

	private static void stop() {
		try {
			server.close();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** A port free now; the peer binds it a moment later (its command line takes no port 0). */
	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
