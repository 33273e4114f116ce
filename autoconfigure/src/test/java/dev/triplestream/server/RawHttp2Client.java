package dev.triplestream.server;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * An HTTP/2 client written by hand on a plain socket, for what grpc-java clients never do: ping a
 * server far more often than they can (every 10 seconds at most), or send headers over the size the
 * server announced (grpc-java's encoder refuses to). No HTTP/2 library between the test and the
 * server's parser.
 */
final class RawHttp2Client {

	private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

	private static final byte SETTINGS = 0x4;

	private static final byte PING = 0x6;

	private static final byte GOAWAY = 0x7;

	private static final byte HEADERS = 0x1;

	private static final byte RST_STREAM = 0x3;

	private static final int END_STREAM = 0x1;

	private static final int END_HEADERS = 0x4;

	private static final int ACK = 0x1;

	private RawHttp2Client() {
	}

	/**
	 * Opens a connection to {@code port} on loopback, sends {@code pings} PING frames at once, and
	 * reads until the server's GOAWAY; null when the server closes the connection without one.
	 */
	static GoAway pingFlood(int port, int pings) throws IOException {
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

	/**
	 * Opens stream 1 with a gRPC request's headers plus one header of {@code paddingBytes}, and reads
	 * what the server answers on it; then pings on the same connection to learn whether it survived.
	 */
	static HeadersAnswer oversizeHeaders(int port, String path, int paddingBytes) throws IOException {
		try {
			return sendOversizeHeaders(port, path, paddingBytes);
		}
		catch (SocketException ex) {
			return new HeadersAnswer(null, "connection reset");
		}
	}

	private static HeadersAnswer sendOversizeHeaders(int port, String path, int paddingBytes) throws IOException {
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
			socket.setSoTimeout(10_000);
			OutputStream out = socket.getOutputStream();
			ByteArrayOutputStream block = new ByteArrayOutputStream();
			block.write(0x83); // :method POST (static table 3)
			block.write(0x86); // :scheme http (6)
			literal(block, 4, null, path); // :path (4)
			literal(block, 1, null, "localhost"); // :authority (1)
			literal(block, 31, null, "application/grpc"); // content-type (31)
			literal(block, 0, "te", "trailers");
			literal(block, 0, "x-padding", "p".repeat(paddingBytes));
			out.write(PREFACE);
			out.write(frame(SETTINGS, 0, 0, new byte[0]));
			out.write(frame(HEADERS, END_HEADERS, 1, block.toByteArray()));
			out.flush();
			DataInputStream in = new DataInputStream(socket.getInputStream());
			String answer = null;
			while (true) {
				Frame frame = Frame.read(in);
				if (frame == null) {
					return new HeadersAnswer(answer, "connection closed");
				}
				if (frame.type == SETTINGS && (frame.flags & ACK) == 0) {
					out.write(frame(SETTINGS, ACK, 0, new byte[0]));
					out.flush();
				}
				else if (frame.type == GOAWAY) {
					return new HeadersAnswer(answer, "GOAWAY " + ByteBuffer.wrap(frame.payload).getInt(4));
				}
				else if (answer == null && frame.streamId == 1 && frame.type == RST_STREAM) {
					answer = "RST_STREAM " + ByteBuffer.wrap(frame.payload).getInt();
				}
				else if (answer == null && frame.streamId == 1 && frame.type == HEADERS) {
					answer = "HEADERS" + (((frame.flags & END_STREAM) != 0) ? " END_STREAM" : "") + " of "
							+ frame.payload.length + " bytes";
				}
				else if (frame.type == PING && (frame.flags & ACK) != 0) {
					return new HeadersAnswer(answer, "alive");
				}
				if (answer != null) {
					out.write(frame(PING, 0, 0, new byte[8]));
					out.flush();
				}
			}
		}
	}

	/** An HPACK literal without indexing: the name by static-table index, or new when the index is 0. */
	private static void literal(ByteArrayOutputStream block, int nameIndex, String name, String value) {
		integer(block, 0x00, 4, nameIndex);
		if (nameIndex == 0) {
			integer(block, 0x00, 7, name.length());
			block.writeBytes(name.getBytes(StandardCharsets.US_ASCII));
		}
		integer(block, 0x00, 7, value.length());
		block.writeBytes(value.getBytes(StandardCharsets.US_ASCII));
	}

	/** An HPACK integer (RFC 7541, section 5.1) with a prefix of {@code bits} after {@code flags}. */
	private static void integer(ByteArrayOutputStream block, int flags, int bits, int value) {
		int max = (1 << bits) - 1;
		if (value < max) {
			block.write(flags | value);
			return;
		}
		block.write(flags | max);
		int rest = value - max;
		while (rest >= 128) {
			block.write((rest & 0x7f) | 0x80);
			rest >>>= 7;
		}
		block.write(rest);
	}

	private static byte[] frame(byte type, int streamId, byte[] payload) {
		return frame(type, 0, streamId, payload);
	}

	private static byte[] frame(byte type, int flags, int streamId, byte[] payload) {
		return ByteBuffer.allocate(9 + payload.length)
			.put((byte) (payload.length >>> 16))
			.putShort((short) payload.length)
			.put(type)
			.put((byte) flags)
			.putInt(streamId)
			.put(payload)
			.array();
	}

	/** One frame as read. */
	private record Frame(int type, int flags, int streamId, byte[] payload) {

		/** The next frame, or null when the connection ended. */
		static Frame read(DataInputStream in) throws IOException {
			try {
				int length = (in.readUnsignedByte() << 16) | in.readUnsignedShort();
				int type = in.readUnsignedByte();
				int flags = in.readUnsignedByte();
				int streamId = in.readInt() & 0x7fffffff;
				return new Frame(type, flags, streamId, in.readNBytes(length));
			}
			catch (IOException ex) {
				return null;
			}
		}

	}

	/**
	 * What the server did with oversize headers: its first frame on the stream (null for none), and
	 * what became of the connection ({@code alive}: it answered a ping afterwards).
	 */
	record HeadersAnswer(String stream, String connection) {

	}

	/** A GOAWAY: its HTTP/2 error code (11 is ENHANCE_YOUR_CALM) and debug data. */
	record GoAway(int errorCode, String debug) {

	}

}
