package dev.triplestream.server;

import java.net.InetAddress;

/**
 * The Triple server could not start because another process listens on its port.
 */
public class TripleServerPortInUseException extends RuntimeException {

	private final int port;

	public TripleServerPortInUseException(InetAddress address, int port, Throwable cause) {
		super("Triple server could not listen on port " + port
				+ ((address != null) ? " of " + address.getHostAddress() : "")
				+ ": the port is already in use (set triple.server.port to a free port, or to 0 for any free port)",
				cause);
		this.port = port;
	}

	/** The port that was in use. */
	public int getPort() {
		return this.port;
	}

}
