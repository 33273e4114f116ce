package dev.triplestream.server;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * An HTTP/2 client written by hand on a plain socket that pings a server far more often than any
 * grpc-java client can (they ping every 10 seconds at most), and reports the GOAWAY it gets.
 */
final class PingFlood {

	private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

	private static final byte SETTINGS = 0x4;

	private static final byte PING = 0x6;

	private static final byte GOAWAY = 0x7;

	private PingFlood() {
	}

	/**
	 * Opens a connection to {@code port} on loopback, sends {@code pings} PING frames at once, and
	 * reads until the server's GOAWAY; null when the server closes the connection without one.
	 */
	static GoAway run(int port, int pings) throws IOException {
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
			socket.setSoTimeout(10_000);
			OutputStream out = socket.getOutputStream();
			out.write(PREFACE);
			out.write(frame(SETTINGS, 0, new byte[0]));
			for (int i = 0; i < pings; i++) {
				out.write(frame(PING, 0, ByteBuffer.allocate(8).putLong(i).array()));
			}
			out.flush();
			DataInputStream in = new DataInputStream(socket.getInputStream());
			while (true) {
				int length;
				try {
					length = (in.readUnsignedByte() << 16) | in.readUnsignedShort();
				}
				catch (IOException ex) {
					return null;
				}
				int type = in.readUnsignedByte();
				in.readUnsignedByte(); // flags
				in.readInt(); // stream id
				byte[] payload = in.readNBytes(length);
				if (type == GOAWAY) {
					ByteBuffer goAway = ByteBuffer.wrap(payload);
					goAway.getInt(); // last stream id
					int errorCode = goAway.getInt();
					String debug = new String(payload, 8, payload.length - 8, StandardCharsets.UTF_8);
					return new GoAway(errorCode, debug);
				}
			}
		}
	}

	private static byte[] frame(byte type, int streamId, byte[] payload) {
		return ByteBuffer.allocate(9 + payload.length)
			.put((byte) (payload.length >>> 16))
			.putShort((short) payload.length)
			.put(type)
			.put((byte) 0)
			.putInt(streamId)
			.put(payload)
			.array();
	}

	/** A GOAWAY: its HTTP/2 error code (11 is ENHANCE_YOUR_CALM) and debug data. */
	record GoAway(int errorCode, String debug) {

	}

}
