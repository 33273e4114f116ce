package dev.triplestream.benchmarks;

import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.BlockingClientCall;

import dev.triplestream.benchmarks.v1.Ping;

/** grpc-java's {@link BlockingClientCall} (the generated {@code BlockingV2Stub}'s bidi call). */
final class RawBlockingStream implements BlockingStream {

	private final BlockingClientCall<Ping, Ping> call;

	private boolean halfClosed;

	RawBlockingStream(BlockingClientCall<Ping, Ping> call) {
		this.call = call;
	}

	@Override
	public void send(Ping message) {
		try {
			if (!this.call.write(message)) {
				throw new IllegalStateException("BlockingClientCall.write refused the message: the stream has ended");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw Status.CANCELLED.withDescription("interrupted").asRuntimeException();
		}
		catch (StatusException ex) {
			throw new StatusRuntimeException(ex.getStatus(), ex.getTrailers());
		}
	}

	@Override
	public Ping receive() {
		try {
			return this.call.read();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw Status.CANCELLED.withDescription("interrupted").asRuntimeException();
		}
		catch (StatusException ex) {
			throw new StatusRuntimeException(ex.getStatus(), ex.getTrailers());
		}
	}

	@Override
	public void halfClose() {
		if (!this.halfClosed) {
			this.halfClosed = true;
			this.call.halfClose();
		}
	}

	@Override
	public void cancel(String reason) {
		this.halfClosed = true;
		this.call.cancel(reason, null);
	}

	@Override
	public Status finish() {
		halfClose();
		return awaitEnd();
	}

	@Override
	public Status awaitEnd() {
		try {
			while (receive() != null) {
				// discard what the server sent before it ended the stream
			}
			return Status.OK;
		}
		catch (StatusRuntimeException ex) {
			return ex.getStatus();
		}
	}

}
