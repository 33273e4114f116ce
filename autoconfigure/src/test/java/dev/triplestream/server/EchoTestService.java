package dev.triplestream.server;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

import dev.triplestream.test.v1.EchoRequest;
import dev.triplestream.test.v1.EchoResponse;
import dev.triplestream.test.v1.EchoServiceGrpc;

/**
 * The echo service of the server tests. {@code Echo} answers with the request's text. {@code Chat}
 * answers every message with {@code "echo: " + text} and the same seq; when the client half-closes
 * it completes OK, unless {@link #completeOnHalfClose} is off, in which case the call stays open
 * until something else ends it. {@code Echo} of {@code "fail"} throws, as a buggy handler would.
 */
@TripleService
class EchoTestService extends EchoServiceGrpc.EchoServiceImplBase {

	volatile boolean completeOnHalfClose = true;

	/** Counted down each time a chat handler is told its call was cancelled. */
	final CountDownLatch chatCancelled = new CountDownLatch(1);

	/** The response side of every chat call so far. */
	final List<ServerCallStreamObserver<EchoResponse>> chatResponses = new CopyOnWriteArrayList<>();

	@Override
	public void echo(EchoRequest request, StreamObserver<EchoResponse> responseObserver) {
		if (request.getText().equals("fail")) {
			throw new IllegalStateException("handler bug on purpose");
		}
		responseObserver.onNext(EchoResponse.newBuilder().setText(request.getText()).setSeq(request.getSeq()).build());
		responseObserver.onCompleted();
	}

	@Override
	public StreamObserver<EchoRequest> chat(StreamObserver<EchoResponse> responseObserver) {
		ServerCallStreamObserver<EchoResponse> responses = (ServerCallStreamObserver<EchoResponse>) responseObserver;
		responses.setOnCancelHandler(this.chatCancelled::countDown);
		this.chatResponses.add(responses);
		return new StreamObserver<>() {

			@Override
			public void onNext(EchoRequest request) {
				responses.onNext(EchoResponse.newBuilder()
					.setText("echo: " + request.getText())
					.setSeq(request.getSeq())
					.build());
			}

			@Override
			public void onError(Throwable t) {
			}

			@Override
			public void onCompleted() {
				if (EchoTestService.this.completeOnHalfClose) {
					responses.onCompleted();
				}
			}

		};
	}

}
