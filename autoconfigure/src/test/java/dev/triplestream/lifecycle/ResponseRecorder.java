package dev.triplestream.lifecycle;

import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;

import dev.triplestream.test.v1.EchoRequest;
import dev.triplestream.test.v1.EchoResponse;

/**
 * The application's response observer of an asynchronous stream: records each response and the
 * end callback, and keeps the request side grpc hands it, through which the application cancels.
 */
final class ResponseRecorder implements ClientResponseObserver<EchoRequest, EchoResponse> {

	private final ClientStreamRecord record;

	private volatile ClientCallStreamObserver<EchoRequest> requests;

	ResponseRecorder(ClientStreamRecord record) {
		this.record = record;
		record.expectsCallbacks();
	}

	@Override
	public void beforeStart(ClientCallStreamObserver<EchoRequest> requestStream) {
		this.requests = requestStream;
	}

	/** Cancels the stream as the application would, through grpc's request observer. */
	void cancel(String reason) {
		ClientCallStreamObserver<EchoRequest> stream = this.requests;
		if (stream != null) {
			stream.cancel(reason, null);
		}
	}

	@Override
	public void onNext(EchoResponse response) {
		this.record.received(response.getSeq());
	}

	@Override
	public void onError(Throwable failure) {
		this.record.terminal(Status.fromThrowable(failure));
	}

	@Override
	public void onCompleted() {
		this.record.terminal(Status.OK);
	}

}
