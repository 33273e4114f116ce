package dev.triplestream.server;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.grpc.stub.StreamObserver;

import dev.triplestream.test.v1.EchoRequest;
import dev.triplestream.test.v1.EchoResponse;
import dev.triplestream.test.v1.EchoServiceGrpc;

/**
 * A service with handler bugs on purpose. {@code Collect} throws as its call starts. {@code Chat}
 * echoes every message ({@code "echo: " + text}) and completes when the client half-closes, but
 * throws on a message whose text is {@value #FAIL}.
 */
@TripleService
class FailingTestService extends EchoServiceGrpc.EchoServiceImplBase {

	static final String FAIL = "fail";

	/** What the chat handlers' request observers were told of errors. */
	final List<Throwable> chatErrors = new CopyOnWriteArrayList<>();

	@Override
	public StreamObserver<EchoRequest> collect(StreamObserver<EchoResponse> responseObserver) {
		throw new IllegalStateException("handler bug in startCall on purpose");
	}

	@Override
	public StreamObserver<EchoRequest> chat(StreamObserver<EchoResponse> responses) {
		return new StreamObserver<>() {

			@Override
			public void onNext(EchoRequest request) {
				if (request.getText().equals(FAIL)) {
					throw new IllegalStateException("handler bug in onMessage on purpose");
				}
				responses.onNext(EchoResponse.newBuilder()
					.setText("echo: " + request.getText())
					.setSeq(request.getSeq())
					.build());
			}

			@Override
			public void onError(Throwable t) {
				FailingTestService.this.chatErrors.add(t);
			}

			@Override
			public void onCompleted() {
				responses.onCompleted();
			}

		};
	}

}
