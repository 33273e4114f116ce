package dev.triplestream.interop.server;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

import dev.triplestream.interop.v1.InteropServiceGrpc;
import dev.triplestream.interop.v1.Note;
import dev.triplestream.server.ServerStreamContext;
import dev.triplestream.server.TripleService;

/**
 * The starter's side of {@code InteropService}, recording what its handlers observe as events
 * {@code <label> <what>}, the label being the text of the stream's first Note: {@code grpc-timeout=
 * <header or none> deadline=<set or none>} (at the first Note), {@code half-closed}, {@code
 * completed}, {@code cancelled} (the cancel handler), {@code error <code>} (the request observer's
 * onError), {@code drained}. Thread-safe: grpc-java and the drain thread call it concurrently.
 */
@TripleService
public class StarterInteropService extends InteropServiceGrpc.InteropServiceImplBase {

	private final List<String> events = new CopyOnWriteArrayList<>();

	@Override
	public StreamObserver<Note> chat(StreamObserver<Note> responses) {
		return new Replies(responses, true);
	}

	@Override
	public StreamObserver<Note> hang(StreamObserver<Note> responses) {
		Replies replies = new Replies(responses, false);
		((ServerCallStreamObserver<Note>) responses).setOnCancelHandler(() -> replies.event("cancelled"));
		ServerStreamContext.current().onDrain(replies::drain);
		return replies;
	}

	/** Every event so far, in order. */
	public List<String> events() {
		return List.copyOf(this.events);
	}

	/**
	 * Answers every Note; completes after the half-close only when {@code finishOnHalfClose}. Responses
	 * are sent under the lock of {@code responses}, since the drain action runs on another thread.
	 */
	private final class Replies implements StreamObserver<Note> {

		private final StreamObserver<Note> responses;

		private final boolean finishOnHalfClose;

		private final AtomicLong received = new AtomicLong();

		private volatile String label = "-";

		Replies(StreamObserver<Note> responses, boolean finishOnHalfClose) {
			this.responses = responses;
			this.finishOnHalfClose = finishOnHalfClose;
		}

		@Override
		public void onNext(Note note) {
			if (this.received.incrementAndGet() == 1) {
				this.label = note.getText();
				event("grpc-timeout=" + HeaderRecordingInterceptor.GRPC_TIMEOUT.get() + " deadline="
						+ ((Context.current().getDeadline() != null) ? "set" : "none"));
			}
			synchronized (this.responses) {
				this.responses.onNext(Note.newBuilder().setSeq(note.getSeq()).setText("starter: " + note.getText()).build());
			}
		}

		@Override
		public void onError(Throwable error) {
			event("error " + Status.fromThrowable(error).getCode());
		}

		@Override
		public void onCompleted() {
			event("half-closed");
			if (this.finishOnHalfClose) {
				synchronized (this.responses) {
					this.responses.onNext(Note.newBuilder().setSeq(this.received.get()).setText("bye").build());
					this.responses.onCompleted();
				}
				event("completed");
			}
		}

		void drain() {
			synchronized (this.responses) {
				this.responses.onNext(Note.newBuilder().setSeq(this.received.get()).setText("drained").build());
				this.responses.onCompleted();
			}
			event("drained");
		}

		void event(String what) {
			StarterInteropService.this.events.add(this.label + " " + what);
		}

	}

}
