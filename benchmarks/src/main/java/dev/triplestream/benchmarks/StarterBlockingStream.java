package dev.triplestream.benchmarks;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

import dev.triplestream.benchmarks.v1.Ping;
import dev.triplestream.client.BidiStream;

/** The starter's {@link BidiStream}. */
final class StarterBlockingStream implements BlockingStream {

	private final BidiStream<Ping, Ping> stream;

	StarterBlockingStream(BidiStream<Ping, Ping> stream) {
		this.stream = stream;
	}

	BidiStream<Ping, Ping> handle() {
		return this.stream;
	}

	@Override
	public void send(Ping message) {
		this.stream.send(message);
	}

	@Override
	public Ping receive() {
		return this.stream.receive();
	}

	@Override
	public void halfClose() {
		this.stream.closeSend();
	}

	@Override
	public void cancel(String reason) {
		this.stream.cancel(reason);
	}

	@Override
	public Status finish() {
		this.stream.close();
		return this.stream.status();
	}

	@Override
	public Status awaitEnd() {
		try {
			while (this.stream.receive() != null) {
				// discard what the server sent before it ended the stream
			}
			return Status.OK;
		}
		catch (StatusRuntimeException ex) {
			return ex.getStatus();
		}
		finally {
			this.stream.close();
		}
	}

}
