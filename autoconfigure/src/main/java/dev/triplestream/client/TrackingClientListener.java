package dev.triplestream.client;

import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;

import dev.triplestream.stream.StreamLifecycle;

/**
 * The listener a {@link TrackedClientCall} puts between grpc and the application's listener: it
 * feeds the call's lifecycle (established, activity, the end and its reason) and hands the
 * application the status that explains the end.
 */
final class TrackingClientListener<Resp> extends ClientCall.Listener<Resp> {

	private final TrackedClientCall<?, Resp> call;

	private final ClientCall.Listener<Resp> delegate;

	TrackingClientListener(TrackedClientCall<?, Resp> call, ClientCall.Listener<Resp> delegate) {
		this.call = call;
		this.delegate = delegate;
	}

	@Override
	public void onHeaders(Metadata headers) {
		StreamLifecycle lifecycle = this.call.lifecycle();
		lifecycle.established();
		lifecycle.touch();
		this.delegate.onHeaders(headers);
	}

	@Override
	public void onMessage(Resp message) {
		this.call.received();
		this.delegate.onMessage(message);
	}

	@Override
	public void onReady() {
		this.call.lifecycle().established();
		this.delegate.onReady();
	}

	@Override
	public void onClose(Status status, Metadata trailers) {
		StreamLifecycle lifecycle = this.call.lifecycle();
		Status explained = this.call.explain(status);
		Status delivered = explained;
		if (!lifecycle.end(this.call.classify(status), explained)) {
			// This side ended the call first, so its end is the one recorded: the application hears
			// that end, not grpc's bare CANCELLED, nor a peer's status or a deadline that lost the race.
			Status local = lifecycle.endStatus();
			if (local != null) {
				delivered = local;
			}
		}
		this.delegate.onClose(delivered, trailers);
	}

}
