package dev.triplestream.interop.dubbo;

import java.util.concurrent.atomic.AtomicLong;

import org.apache.dubbo.common.stream.StreamObserver;

import dev.triplestream.interop.v1.DubboInteropServiceTriple;
import dev.triplestream.interop.v1.Note;

/**
 * The Dubbo implementation of {@code InteropService}, one instance per export. Every reply and
 * every event names the export ({@code servedBy}), so that tests see which group or version
 * answered. Events: {@code <servedBy> <Method> <label> opened|received <seq> <text>|half-closed|
 * completed|error <details>}, where the label is the text of the stream's first Note ({@code -}
 * before it), so that tests sharing a provider tell their streams apart.
 */
final class DubboInteropService extends DubboInteropServiceTriple.InteropServiceImplBase {

	private final String servedBy;

	DubboInteropService(String servedBy) {
		this.servedBy = servedBy;
	}

	@Override
	public StreamObserver<Note> chat(StreamObserver<Note> responses) {
		return new Replies("Chat", responses, true);
	}

	@Override
	public StreamObserver<Note> hang(StreamObserver<Note> responses) {
		return new Replies("Hang", responses, false);
	}

	/**
	 * Answers every Note; completes after the client's half-close only when {@code finishOnHalfClose}.
	 * Dubbo calls one stream's callbacks one at a time, and responses are sent only from them.
	 */
	private final class Replies implements StreamObserver<Note> {

		private final String method;

		private final StreamObserver<Note> responses;

		private final boolean finishOnHalfClose;

		private final AtomicLong received = new AtomicLong();

		private volatile String label = "-";

		Replies(String method, StreamObserver<Note> responses, boolean finishOnHalfClose) {
			this.method = method;
			this.responses = responses;
			this.finishOnHalfClose = finishOnHalfClose;
			event("opened");
		}

		@Override
		public void onNext(Note note) {
			if (this.received.incrementAndGet() == 1) {
				this.label = note.getText();
			}
			event("received " + note.getSeq() + " " + note.getText());
			this.responses.onNext(Note.newBuilder()
				.setSeq(note.getSeq())
				.setText(DubboInteropService.this.servedBy + ": " + note.getText())
				.build());
		}

		@Override
		public void onError(Throwable error) {
			event("error " + PeerEvents.describe(error));
		}

		@Override
		public void onCompleted() {
			event("half-closed");
			if (this.finishOnHalfClose) {
				this.responses.onNext(Note.newBuilder().setSeq(this.received.get()).setText("bye").build());
				this.responses.onCompleted();
				event("completed");
			}
		}

		private void event(String what) {
			PeerEvents.report(DubboInteropService.this.servedBy + " " + this.method + " " + this.label + " " + what);
		}

	}

}
