package dev.triplestream.client;

import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;

/**
 * A call that fails as soon as it starts, without touching the network: what new calls get while
 * the application context shuts down.
 */
final class RejectedClientCall<Req, Resp> extends ClientCall<Req, Resp> {

	private final Status status;

	RejectedClientCall(Status status) {
		this.status = status;
	}

	@Override
	public void start(Listener<Resp> responseListener, Metadata headers) {
		responseListener.onClose(this.status, new Metadata());
	}

	@Override
	public void request(int numMessages) {
	}

	@Override
	public void cancel(String message, Throwable cause) {
	}

	@Override
	public void halfClose() {
	}

	@Override
	public void sendMessage(Req message) {
	}

}
