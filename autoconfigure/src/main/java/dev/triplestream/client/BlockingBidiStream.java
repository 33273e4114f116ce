package dev.triplestream.client;

import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.time.Duration;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeoutException;

import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;

/**
 * The {@link BidiStream} and {@link ServerStream} handed to the application. A thin handle: the
 * state lives in {@link BlockingCall}, which outlives the handle if the application drops it.
 * <p>
 * Leak detection ends the stream when the handle becomes unreachable, so nothing the application
 * can still use may let it become so: the iterator holds the handle, and every blocking operation
 * keeps the handle reachable until it returns.
 */
final class BlockingBidiStream<Req, Resp> implements BidiStream<Req, Resp> {

	private final BlockingCall<Req, Resp> call;

	private final TrackedClientCall<Req, Resp> tracked;

	private final Cleaner.Cleanable leakCheck;

	BlockingBidiStream(TrackedClientCall<Req, Resp> tracked, LeakDetection leakDetection) {
		this.tracked = tracked;
		this.call = new BlockingCall<>(tracked);
		this.leakCheck = LeakDetector.watch(this, this.call, tracked, leakDetection);
		this.call.start();
	}

	/**
	 * A server-streaming call: its one request sent (buffered by the transport, without waiting for
	 * flow control, so that an unreachable server is reported by {@code receive()}) and half-closed.
	 */
	static <Req, Resp> BlockingBidiStream<Req, Resp> serverStreaming(TrackedClientCall<Req, Resp> tracked,
			Req request, LeakDetection leakDetection) {
		BlockingBidiStream<Req, Resp> stream = new BlockingBidiStream<>(tracked, leakDetection);
		tracked.sendMessage(request);
		stream.closeSend();
		return stream;
	}

	@Override
	public void send(Req message) {
		try {
			this.call.send(message);
		}
		finally {
			Reference.reachabilityFence(this);
		}
	}

	@Override
	public void closeSend() {
		try {
			this.call.closeSend();
		}
		finally {
			Reference.reachabilityFence(this);
		}
	}

	@Override
	public Resp receive() {
		try {
			return this.call.receive();
		}
		finally {
			Reference.reachabilityFence(this);
		}
	}

	@Override
	public Resp receive(Duration timeout) throws TimeoutException {
		try {
			return this.call.receive(Math.max(0, timeout.toNanos()));
		}
		finally {
			Reference.reachabilityFence(this);
		}
	}

	@Override
	public void cancel(String reason) {
		this.call.cancel(reason);
	}

	@Override
	public boolean isDone() {
		return this.call.isDone();
	}

	@Override
	public Status status() {
		return this.call.status();
	}

	@Override
	public Metadata headers() {
		try {
			return this.call.headers();
		}
		finally {
			Reference.reachabilityFence(this);
		}
	}

	@Override
	public void onDrain(Runnable action) {
		this.call.onDrain(action);
	}

	@Override
	public Metadata trailers() {
		return this.call.trailers();
	}

	@Override
	public void close() {
		try {
			this.call.close();
		}
		finally {
			this.leakCheck.clean();
		}
	}

	@Override
	public Iterator<Resp> iterator() {
		return new Responses();
	}

	@Override
	public String toString() {
		String kind = (this.tracked.type() == MethodDescriptor.MethodType.SERVER_STREAMING) ? "ServerStream"
				: "BidiStream";
		return kind + "[" + this.tracked + "]";
	}

	/** Iterates the responses; holds the handle, so a for-each loop keeps the stream reachable. */
	private final class Responses implements Iterator<Resp> {

		private Resp next;

		@Override
		public boolean hasNext() {
			if (this.next == null) {
				this.next = receive();
			}
			return this.next != null;
		}

		@Override
		public Resp next() {
			if (!hasNext()) {
				throw new NoSuchElementException("the stream has ended");
			}
			Resp current = this.next;
			this.next = null;
			return current;
		}

	}

}
