package dev.triplestream.server;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCallListener;
import io.grpc.ServerCall;
import io.grpc.Status;

/**
 * The handler's listener, as its {@link TrackedServerCall} sees it: counts the messages the handler
 * consumes, tells the call when it becomes ready (its client took what was waiting), records the end when a callback throws (grpc-java then closes the stream itself, around
 * the call, with {@link TrackedServerCall#APPLICATION_ERROR}), and tells the handler
 * {@code onCancel} rather than {@code onComplete} when the call was cut. grpc-java runs these
 * callbacks one at a time, in the call's gRPC context.
 */
final class TrackedServerCallListener<Q> extends ForwardingServerCallListener.SimpleForwardingServerCallListener<Q> {

	private final TrackedServerCall<Q, ?> call;

	TrackedServerCallListener(TrackedServerCall<Q, ?> call, ServerCall.Listener<Q> handlerListener) {
		super(handlerListener);
		this.call = call;
	}

	@Override
	public void onMessage(Q message) {
		this.call.messageReceived();
		try {
			super.onMessage(message);
		}
		catch (RuntimeException | Error ex) {
			failed(ex);
			throw ex;
		}
	}

	@Override
	public void onHalfClose() {
		this.call.halfClosed();
		try {
			super.onHalfClose();
		}
		catch (RuntimeException | Error ex) {
			failed(ex);
			throw ex;
		}
	}

	@Override
	public void onReady() {
		this.call.readied();
		try {
			super.onReady();
		}
		catch (RuntimeException | Error ex) {
			failed(ex);
			throw ex;
		}
	}

	private void failed(Throwable ex) {
		this.call.handlerFailed(Status.UNKNOWN.withDescription(TrackedServerCall.APPLICATION_ERROR).withCause(ex));
	}

	@Override
	public void onComplete() {
		// The stream closed after a close of the call (its end is recorded), or without one reaching
		// the call (then grpc-java saw it complete).
		this.call.transportClosed(Status.OK);
		if (this.call.isCut()) {
			// The handler did not end this call: to it, the call was cut short.
			super.onCancel();
		}
		else {
			super.onComplete();
		}
	}

	@Override
	public void onCancel() {
		// The call's stream tracer has normally recorded the end by now; if not, the context's cause
		// is the best account of it.
		Status cause = Contexts.statusFromCancelled(Context.current());
		this.call.transportClosed((cause != null) ? cause : Status.CANCELLED.withDescription("call cancelled"));
		super.onCancel();
	}

}
