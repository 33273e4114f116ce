package dev.triplestream.faults;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A plain TCP connection to a server port that writes whatever bytes a test chooses: garbage, a
 * broken HTTP/2 preface, HTTP/1.1, or HTTP/2 frames built by hand (no HTTP/2 library between the
 * test and the server's parser). Not thread-safe.
 */
final class RawConnection implements AutoCloseable {

	/** The client connection preface of HTTP/2 (RFC 9113, section 3.4). */
	static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

	private static final byte HEADERS = 0x1;

	private static final byte RST_STREAM = 0x3;

	private static final byte SETTINGS = 0x4;

	private static final byte END_HEADERS = 0x4;

	private static final int CANCEL = 0x8;

	private final Socket socket;

	private final OutputStream out;

	RawConnection(int port) throws IOException {
		this.socket = new Socket(InetAddress.getLoopbackAddress(), port);
		this.out = this.socket.getOutputStream();
	}

	void write(byte[] bytes) throws IOException {
		this.out.write(bytes);
		this.out.flush();
	}

	/** Ends this side's writing (a FIN), leaving the connection open for the server's answer. */
	void shutdownOutput() throws IOException {
		this.socket.shutdownOutput();
	}

	/** The preface and an empty SETTINGS frame: an HTTP/2 connection that accepts the defaults. */
	void startHttp2() throws IOException {
		this.out.write(PREFACE);
		this.out.write(frame(SETTINGS, (byte) 0, 0, new byte[0]));
		this.out.flush();
	}

	/** Opens stream {@code streamId} of {@code path} with a gRPC request's headers and no message. */
	void openStream(int streamId, String path) throws IOException {
		ByteArrayOutputStream block = new ByteArrayOutputStream();
		block.write(0x83); // :method POST, static table entry 3
		block.write(0x86); // :scheme http, entry 6
		literal(block, new byte[] { 0x04 }, path); // :path, literal with the name of entry 4
		literal(block, new byte[] { 0x01 }, "localhost"); // :authority, entry 1
		literal(block, new byte[] { 0x0f, 0x10 }, "application/grpc"); // content-type, entry 31
		block.write(0x00); // te, a literal name
		block.write(2);
		block.writeBytes("te".getBytes(StandardCharsets.US_ASCII));
		block.write(8);
		block.writeBytes("trailers".getBytes(StandardCharsets.US_ASCII));
		this.out.write(frame(HEADERS, END_HEADERS, streamId, block.toByteArray()));
	}

	/** Resets stream {@code streamId} with CANCEL. */
	void resetStream(int streamId) throws IOException {
		this.out.write(frame(RST_STREAM, (byte) 0, streamId, ByteBuffer.allocate(4).putInt(CANCEL).array()));
	}

	void flush() throws IOException {
		this.out.flush();
	}

	/**
	 * Reads and drops what the server sends until it closes the connection or resets it.
	 * @return whether it did within {@code timeout}
	 */
	boolean awaitClosedByServer(Duration timeout) throws IOException {
		long deadline = System.nanoTime() + timeout.toNanos();
		InputStream in = this.socket.getInputStream();
		byte[] buffer = new byte[8192];
		while (System.nanoTime() < deadline) {
			this.socket.setSoTimeout((int) Math.max(1, Math.min(1000, (deadline - System.nanoTime()) / 1_000_000)));
			try {
				if (in.read(buffer) < 0) {
					return true;
				}
			}
			catch (SocketTimeoutException ex) {
				// still open: keep waiting
			}
			catch (IOException ex) {
				return true; // reset by the server
			}
		}
		return false;
	}

	@Override
	public void close() throws IOException {
		this.socket.close();
	}

	private static void literal(ByteArrayOutputStream block, byte[] nameIndex, String value) {
		byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
		if (bytes.length > 126) {
			throw new IllegalArgumentException("value too long for this encoder: " + value);
		}
		block.writeBytes(nameIndex);
		block.write(bytes.length); // no Huffman coding
		block.writeBytes(bytes);
	}

	private static byte[] frame(byte type, byte flags, int streamId, byte[] payload) {
		return ByteBuffer.allocate(9 + payload.length)
			.put((byte) (payload.length >>> 16))
			.put((byte) (payload.length >>> 8))
			.put((byte) payload.length)
			.put(type)
			.put(flags)
			.putInt(streamId)
			.put(payload)
			.array();
	}

}
