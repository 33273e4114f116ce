package dev.triplestream.client;

import java.lang.ref.Cleaner;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.TimeoutException;

import io.grpc.Metadata;
import io.grpc.Status;

/**
 * The {@link ServerStream} handed to the application: a bidi call that sent its one request and
 * half-closed.
 */
final class BlockingServerStream<Req, Resp> implements ServerStream<Resp> {

	private final BlockingCall<Req, Resp> call;

	private final TrackedClientCall<Req, Resp> tracked;

	private final Cleaner.Cleanable leakCheck;

	BlockingServerStream(TrackedClientCall<Req, Resp> tracked, Req request, LeakDetection leakDetection) {
		this.tracked = tracked;
		this.call = new BlockingCall<>(tracked);
		this.leakCheck = LeakDetector.watch(this, this.call, tracked, leakDetection);
		this.call.start();
		tracked.sendMessage(request);
		this.call.closeSend();
	}

	@Override
	public Resp receive() {
		return this.call.receive();
	}

	@Override
	public Resp receive(Duration timeout) throws TimeoutException {
		return this.call.receive(Math.max(0, timeout.toNanos()));
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
		return this.call.headers();
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
		return this.call.iterator();
	}

	@Override
	public String toString() {
		return "ServerStream[" + this.tracked + "]";
	}

}
