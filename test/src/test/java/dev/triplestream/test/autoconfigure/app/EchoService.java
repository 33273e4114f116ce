package dev.triplestream.test.autoconfigure.app;

import io.grpc.stub.StreamObserver;

import dev.triplestream.server.TripleService;
import dev.triplestream.slicetest.v1.EchoRequest;
import dev.triplestream.slicetest.v1.EchoResponse;
import dev.triplestream.slicetest.v1.EchoServiceGrpc;

/**
 * {@code Echo} answers with the request's text; {@code Chat} answers every message with
 * {@code "echo: " + text} and completes when the client half-closes.
 */
@TripleService
public class EchoService extends EchoServiceGrpc.EchoServiceImplBase {

	@Override
	public void echo(EchoRequest request, StreamObserver<EchoResponse> responseObserver) {
		responseObserver.onNext(EchoResponse.newBuilder().setText(request.getText()).build());
		responseObserver.onCompleted();
	}

	@Override
	public StreamObserver<EchoRequest> chat(StreamObserver<EchoResponse> responseObserver) {
		return new StreamObserver<>() {

			@Override
			public void onNext(EchoRequest request) {
				responseObserver.onNext(EchoResponse.newBuilder().setText("echo: " + request.getText()).build());
			}

			@Override
			public void onError(Throwable t) {
			}

			@Override
			public void onCompleted() {
				responseObserver.onCompleted();
			}

		};
	}

}
