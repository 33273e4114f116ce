package dev.triplestream.sample;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

import dev.triplestream.sample.chat.v1.ChatMessage;
import dev.triplestream.sample.chat.v1.ChatServiceGrpc;
import dev.triplestream.sample.chat.v1.Tick;
import dev.triplestream.sample.chat.v1.TickRequest;
import dev.triplestream.server.ServerStreamContext;
import dev.triplestream.server.TripleService;

/**
 * The sample's chat service: an echoing chat, and an endless stream of ticks that ends cleanly
 * when the server drains (a last tick, then OK) rather than being cut at the end of the grace
 * period.
 */
@TripleService
public class ChatService extends ChatServiceGrpc.ChatServiceImplBase {

	private final ScheduledExecutorService tickScheduler;

	public ChatService(ScheduledExecutorService tickScheduler) {
		this.tickScheduler = tickScheduler;
	}

	@Override
	public StreamObserver<ChatMessage> chat(StreamObserver<ChatMessage> responses) {
		return new StreamObserver<>() {

			private long received;

			@Override
			public void onNext(ChatMessage message) {
				this.received++;
				responses.onNext(ChatMessage.newBuilder()
					.setSeq(message.getSeq())
					.setText("echo: " + message.getText())
					.build());
			}

			@Override
			public void onError(Throwable t) {
				// The client cancelled: the call is over and there is nothing to release.
			}

			@Override
			public void onCompleted() {
				responses.onNext(ChatMessage.newBuilder().setSeq(this.received).setText("bye").build());
				responses.onCompleted();
			}

		};
	}

	@Override
	public StreamObserver<TickRequest> ticks(StreamObserver<Tick> responseObserver) {
		TickStream stream = new TickStream((ServerCallStreamObserver<Tick>) responseObserver);
		// The drain notice comes at shutdown (or at the stream's max age): end with a last tick.
		ServerStreamContext.current().onDrain(stream::drain);
		return new StreamObserver<>() {

			@Override
			public void onNext(TickRequest request) {
				stream.start(request.getIntervalMs());
			}

			@Override
			public void onError(Throwable t) {
				// Cancellation: the cancel handler has stopped the ticks.
			}

			@Override
			public void onCompleted() {
				stream.requestsEnded();
			}

		};
	}

	/**
	 * One {@code Ticks} call. Its events come from three threads: gRPC's (the request side and the
	 * cancellation), the scheduler's (the ticks) and the server's drain thread (the drain notice); so
	 * each runs under the stream's monitor, which also keeps the response side used by one thread
	 * at a time, as gRPC requires.
	 */
	private final class TickStream {

		private final ServerCallStreamObserver<Tick> responses;

		private ScheduledFuture<?> ticking;

		/** The call is over for this handler: cancelled, refused, or completed. */
		private boolean ended;

		private long seq;

		TickStream(ServerCallStreamObserver<Tick> responses) {
			this.responses = responses;
			responses.setOnCancelHandler(this::cancelled);
		}

		synchronized void start(int intervalMillis) {
			if (this.ticking != null || this.ended) {
				return; // only the first request counts
			}
			if (intervalMillis <= 0) {
				this.responses.onError(Status.INVALID_ARGUMENT
					.withDescription("interval_ms must be positive, was " + intervalMillis)
					.asRuntimeException());
				this.ended = true;
				return;
			}
			try {
				this.ticking = ChatService.this.tickScheduler.scheduleAtFixedRate(this::tick, intervalMillis,
						intervalMillis, TimeUnit.MILLISECONDS);
			}
			catch (RejectedExecutionException ex) {
				this.responses.onError(Status.UNAVAILABLE.withDescription("server shutting down").asRuntimeException());
				this.ended = true;
			}
		}

		synchronized void requestsEnded() {
			if (this.ticking == null && !this.ended) {
				// Half-closed without asking for ticks: there is nothing to send.
				this.responses.onCompleted();
				this.ended = true;
			}
		}

		/** Sends a last tick and completes the call: the client sees it end OK. */
		synchronized void drain() {
			if (this.ended) {
				return;
			}
			this.ended = true;
			if (this.ticking != null) {
				this.ticking.cancel(false);
				this.responses.onNext(Tick.newBuilder().setSeq(++this.seq).setUnixMillis(System.currentTimeMillis()).build());
			}
			this.responses.onCompleted();
		}

		private synchronized void tick() {
			if (this.ended) {
				return;
			}
			// A client that does not keep up misses ticks instead of making the server buffer them.
			if (this.responses.isReady()) {
				this.responses.onNext(Tick.newBuilder().setSeq(++this.seq).setUnixMillis(System.currentTimeMillis()).build());
			}
		}

		private synchronized void cancelled() {
			this.ended = true;
			if (this.ticking != null) {
				this.ticking.cancel(false);
			}
		}

	}

}
