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
import dev.triplestream.server.TripleService;

/**
 * The sample's chat service: an echoing chat, and an endless stream of ticks.
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
	 * One {@code Ticks} call. gRPC delivers the request side and the cancellation one at a time, so
	 * {@link #start}, {@link #requestsEnded} and the cancel handler never race; the ticks are sent
	 * from the scheduler's thread, the only one that sends once ticking has begun.
	 */
	private final class TickStream {

		private final ServerCallStreamObserver<Tick> responses;

		private ScheduledFuture<?> ticking;

		private boolean cancelled;

		private long seq;

		TickStream(ServerCallStreamObserver<Tick> responses) {
			this.responses = responses;
			responses.setOnCancelHandler(this::cancelled);
		}

		void start(int intervalMillis) {
			if (this.ticking != null || this.cancelled) {
				return; // only the first request counts
			}
			if (intervalMillis <= 0) {
				this.responses.onError(Status.INVALID_ARGUMENT
					.withDescription("interval_ms must be positive, was " + intervalMillis)
					.asRuntimeException());
				this.cancelled = true;
				return;
			}
			try {
				this.ticking = ChatService.this.tickScheduler.scheduleAtFixedRate(this::tick, intervalMillis,
						intervalMillis, TimeUnit.MILLISECONDS);
			}
			catch (RejectedExecutionException ex) {
				this.responses.onError(Status.UNAVAILABLE.withDescription("server shutting down").asRuntimeException());
				this.cancelled = true;
			}
		}

		void requestsEnded() {
			if (this.ticking == null && !this.cancelled) {
				// Half-closed without asking for ticks: there is nothing to send.
				this.responses.onCompleted();
				this.cancelled = true;
			}
		}

		private void tick() {
			// A client that does not keep up misses ticks instead of making the server buffer them.
			if (this.responses.isReady()) {
				this.responses.onNext(Tick.newBuilder().setSeq(++this.seq).setUnixMillis(System.currentTimeMillis()).build());
			}
		}

		private void cancelled() {
			this.cancelled = true;
			if (this.ticking != null) {
				this.ticking.cancel(false);
			}
		}

	}

}
