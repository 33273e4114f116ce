package dev.triplestream.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy on a loopback port that forwards to one address until {@link #freeze()}: from then on
 * it keeps every connection open and reads what both sides send, but delivers nothing, as a network
 * that silently drops every packet would. Neither side sees a reset or a close.
 * <p>
 * Thread-safe: one thread accepts, two per connection pump bytes; {@link #freeze()} and
 * {@link #close()} may be called from any thread.
 */
final class FreezingProxy implements AutoCloseable {

	private final ServerSocket listener;

	private final InetSocketAddress target;

	private final List<Socket> sockets = new CopyOnWriteArrayList<>();

	private volatile boolean frozen;

	FreezingProxy(int targetPort) throws IOException {
		this.target = new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort);
		this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		Thread acceptor = new Thread(this::accept, "proxy-accept");
		acceptor.setDaemon(true);
		acceptor.start();
	}

	int port() {
		return this.listener.getLocalPort();
	}

	/** Stops delivering bytes, in both directions, on every connection, without closing any. */
	void freeze() {
		this.frozen = true;
	}

	private void accept() {
		while (!this.listener.isClosed()) {
			try {
				Socket downstream = this.listener.accept();
				Socket upstream = new Socket();
				upstream.connect(this.target);
				this.sockets.add(downstream);
				this.sockets.add(upstream);
				pump(downstream, upstream, "proxy-up");
				pump(upstream, downstream, "proxy-down");
			}
			catch (IOException ex) {
				// the listener closed, or the target refused: the client sees its connection fail
			}
		}
	}

	private void pump(Socket from, Socket to, String name) {
		Thread thread = new Thread(() -> {
			byte[] buffer = new byte[16 * 1024];
			try (InputStream in = from.getInputStream()) {
				OutputStream out = to.getOutputStream();
				int read;
				while ((read = in.read(buffer)) >= 0) {
					if (!this.frozen) {
						out.write(buffer, 0, read);
						out.flush();
					}
				}
				if (!this.frozen) {
					to.shutdownOutput();
				}
			}
			catch (IOException ex) {
				// one side went away, or the proxy closed
			}
		}, name);
		thread.setDaemon(true);
		thread.start();
	}

	@Override
	public void close() throws IOException {
		this.listener.close();
		for (Socket socket : this.sockets) {
			socket.close();
		}
	}

}
