package dev.triplestream.client;

import io.grpc.stub.ClientCallStreamObserver;

import dev.triplestream.stream.StreamLifecycle;

/**
 * The {@link RequestObserver} of an asynchronous call: grpc's own request observer, with the drain
 * notice of the call's lifecycle.
 */
final class TrackedRequestObserver<Req> extends RequestObserver<Req> {

	private final ClientCallStreamObserver<Req> delegate;

	private final StreamLifecycle lifecycle;

	TrackedRequestObserver(ClientCallStreamObserver<Req> delegate, StreamLifecycle lifecycle) {
		this.delegate = delegate;
		this.lifecycle = lifecycle;
	}

	@Override
	public void onDrain(Runnable action) {
		this.lifecycle.onDrain(action);
	}

	@Override
	public void onNext(Req value) {
		this.delegate.onNext(value);
	}

	@Override
	public void onError(Throwable t) {
		this.delegate.onError(t);
	}

	@Override
	public void onCompleted() {
		this.delegate.onCompleted();
	}

	@Override
	public void cancel(String message, Throwable cause) {
		this.delegate.cancel(message, cause);
	}

	@Override
	public boolean isReady() {
		return this.delegate.isReady();
	}

	@Override
	public void setOnReadyHandler(Runnable onReadyHandler) {
		this.delegate.setOnReadyHandler(onReadyHandler);
	}

	@Override
	public void request(int count) {
		this.delegate.request(count);
	}

	@Override
	public void setMessageCompression(boolean enable) {
		this.delegate.setMessageCompression(enable);
	}

	@Override
	public void disableAutoInboundFlowControl() {
		this.delegate.disableAutoInboundFlowControl();
	}

	@Override
	public void disableAutoRequestWithInitial(int request) {
		this.delegate.disableAutoRequestWithInitial(request);
	}

}
