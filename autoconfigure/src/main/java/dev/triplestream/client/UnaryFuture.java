package dev.triplestream.client;

import java.util.concurrent.CompletableFuture;

import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;

/**
 * The future of a unary call made by a {@code CompletableFuture<Resp> m(Req)} client method. It
 * completes when the call closes, never on the response alone: a server may send a message and
 * then a non-OK status, and the call has then failed. OK with exactly one message completes with
 * it; a non-OK status completes exceptionally with its {@code StatusRuntimeException}; OK with no
 * message, or a second message, is INTERNAL, as with grpc-java's own future stubs. Cancelling the
 * future cancels the call.
 */
final class UnaryFuture extends CompletableFuture<Object> {

	private final ClientCall<Object, Object> call;

	UnaryFuture(ClientCall<Object, Object> call) {
		this.call = call;
	}

	void start(Object request) {
		try {
			this.call.start(new Listener(), new Metadata());
			// Two, so that a server sending more than one message is caught rather than stalled.
			this.call.request(2);
			this.call.sendMessage(request);
			this.call.halfClose();
		}
		catch (RuntimeException | Error ex) {
			this.call.cancel("the call failed to start", ex);
			completeExceptionally(ex);
		}
	}

	@Override
	public boolean cancel(boolean mayInterruptIfRunning) {
		boolean cancelled = super.cancel(mayInterruptIfRunning);
		if (cancelled) {
			this.call.cancel("the future was cancelled", null);
		}
		return cancelled;
	}

	private final class Listener extends ClientCall.Listener<Object> {

		/** Touched by the call's listener callbacks only, which grpc runs one at a time. */
		private Object response;

		private boolean responded;

		@Override
		public void onMessage(Object message) {
			if (this.responded) {
				UnaryFuture.this.call.cancel("more than one response to a unary call", null);
				completeExceptionally(Status.INTERNAL.withDescription("More than one response received for unary call")
					.asRuntimeException());
				return;
			}
			this.responded = true;
			this.response = message;
		}

		@Override
		public void onClose(Status status, Metadata trailers) {
			if (!status.isOk()) {
				completeExceptionally(status.asRuntimeException(trailers));
			}
			else if (!this.responded) {
				completeExceptionally(Status.INTERNAL.withDescription("No value received for unary call")
					.asRuntimeException(trailers));
			}
			else {
				complete(this.response);
			}
		}

	}

}
