package dev.triplestream.lifecycle;

import java.lang.ref.Reference;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.TimeoutException;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

import dev.triplestream.client.BidiStream;
import dev.triplestream.client.ServerStream;
import dev.triplestream.test.v1.EchoRequest;
import dev.triplestream.test.v1.EchoResponse;

/**
 * The blocking handles: a {@link BidiStream} (a reader, a sender and a controlling thread) or a
 * {@link ServerStream} (a reader and a controlling thread). Every operation on the handle is
 * bracketed by {@link ClientStreamRecord#enter()} and {@code exit()}, with the handle kept
 * reachable until {@code exit()}, so that the ledger can tell a live handle from an abandoned one.
 */
final class BlockingStreamScript extends StreamScript {

	private final SendGate gate = new SendGate();

	private volatile boolean stopReading;

	BlockingStreamScript(StreamPlan plan, ClientStreamRecord record, LifecycleClient client, Workers workers) {
		super(plan, record, client, workers);
	}

	@Override
	public void run() {
		boolean bidi = this.plan.shape() == StreamPlan.Shape.BIDI_BLOCKING;
		ServerStream<EchoResponse> stream;
		try {
			stream = bidi ? open(this.client::chat) : open(() -> this.client.repeat(request(0)));
		}
		catch (StatusRuntimeException ex) {
			this.record.ended(ex.getStatus());
			return;
		}
		Thread reader = Thread.currentThread();
		Thread sender = null;
		if (bidi) {
			@SuppressWarnings("unchecked")
			BidiStream<EchoRequest, EchoResponse> requests = (BidiStream<EchoRequest, EchoResponse>) stream;
			SplittableRandom senderRandom = this.random.split();
			sender = this.workers.start(this.plan.key() + "-send", this.record, () -> send(requests, senderRandom));
		}
		if (this.plan.drainAction()) {
			stream.onDrain(bidi ? () -> {
				if (this.gate.requestDrain()) {
					closeSend(stream);
				}
			} : () -> this.stopReading = true);
		}
		Thread senderThread = sender;
		control(() -> {
			switch (this.plan.action()) {
				case CANCEL -> stream.cancel("planned cancel");
				case CLOSE -> {
					this.record.closing();
					stream.close();
				}
				case INTERRUPT_READER -> interrupt(reader);
				case INTERRUPT_SENDER -> interrupt(senderThread);
				default -> {
				}
			}
		});
		read(stream, this.random.split());
	}

	private void read(ServerStream<EchoResponse> stream, SplittableRandom random) {
		int read = 0;
		while ((this.plan.readLimit() < 0 || read < this.plan.readLimit()) && !this.stopReading) {
			EchoResponse response;
			this.record.enter();
			try {
				response = (this.plan.timedReceives() && random.nextBoolean())
						? stream.receive(Duration.ofMillis(random.nextInt(1, 100))) : stream.receive();
			}
			catch (TimeoutException ex) {
				continue;
			}
			catch (StatusRuntimeException ex) {
				if (ex.getStatus().isOk()) {
					// receive() returns null for an OK end; only a failure is thrown.
					this.record.unexpected("receive threw for an OK end", ex);
				}
				this.record.ended(ex.getStatus());
				break;
			}
			catch (RuntimeException ex) {
				this.record.unexpected("receive", ex);
				break;
			}
			finally {
				this.record.exit();
				Reference.reachabilityFence(stream);
			}
			if (response == null) {
				this.record.ended(Status.OK);
				break;
			}
			this.record.received(response.getSeq());
			read++;
			if (random.nextInt(4) == 0) {
				pause(random);
			}
		}
		if (this.plan.ownerCloses()) {
			this.record.closing();
			this.record.enter();
			try {
				stream.close();
			}
			catch (RuntimeException ex) {
				this.record.unexpected("close", ex);
			}
			finally {
				this.record.exit();
				Reference.reachabilityFence(stream);
			}
		}
	}

	private void send(BidiStream<EchoRequest, EchoResponse> stream, SplittableRandom random) {
		try {
			for (int i = 0; i < this.plan.sends() && !this.gate.drainRequested(); i++) {
				pause(random);
				this.record.enter();
				try {
					stream.send(request(i));
				}
				finally {
					this.record.exit();
					Reference.reachabilityFence(stream);
				}
			}
		}
		catch (StatusRuntimeException ex) {
			// The stream has ended (or the drain half-closed it): sending is over.
		}
		catch (IllegalStateException ex) {
			// A close() on another thread half-closed the stream.
			this.record.sendsRefused.incrementAndGet();
		}
		if (this.gate.finish(this.plan.closeSend())) {
			closeSend(stream);
		}
	}

	private void closeSend(ServerStream<EchoResponse> stream) {
		if (!(stream instanceof BidiStream<?, ?> bidi)) {
			return;
		}
		this.record.enter();
		try {
			bidi.closeSend();
		}
		catch (RuntimeException ex) {
			this.record.unexpected("closeSend", ex);
		}
		finally {
			this.record.exit();
			Reference.reachabilityFence(stream);
		}
	}

}
