package dev.triplestream.server;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

import dev.triplestream.test.v1.EchoRequest;
import dev.triplestream.test.v1.EchoResponse;
import dev.triplestream.test.v1.EchoServiceGrpc;

/**
 * The echo service of the stream lifecycle tests; each call behaves as its first message's text
 * (its name) says. {@code Chat} echoes every message ({@code "echo: " + text}) and completes when
 * the client half-closes; {@code Repeat} answers {@code "started: " + text} and stays open. A call
 * whose name starts with {@value #COMPLETE_ON_DRAIN} answers its drain notice with a last message,
 * {@code "drained: " + name}, and completes; any other ignores the notice. {@code Echo} answers with
 * the full method name its {@link ServerStreamContext} gives.
 */
@TripleService
class LifecycleTestService extends EchoServiceGrpc.EchoServiceImplBase {

	static final String COMPLETE_ON_DRAIN = "complete-on-drain";

	/** The calls served so far, by name. */
	private final Map<String, ServedCall> calls = new ConcurrentHashMap<>();

	/** The call named {@code name}; fails when there is none. */
	ServedCall call(String name) {
		ServedCall call = this.calls.get(name);
		if (call == null) {
			throw new AssertionError("No call named '" + name + "' was served; served: " + this.calls.keySet());
		}
		return call;
	}

	int callCount() {
		return this.calls.size();
	}

	@Override
	public void echo(EchoRequest request, StreamObserver<EchoResponse> responseObserver) {
		responseObserver.onNext(EchoResponse.newBuilder().setText(ServerStreamContext.current().fullMethodName()).build());
		responseObserver.onCompleted();
	}

	@Override
	public StreamObserver<EchoRequest> chat(StreamObserver<EchoResponse> responseObserver) {
		ServerCallStreamObserver<EchoResponse> responses = (ServerCallStreamObserver<EchoResponse>) responseObserver;
		// Reached in the handler method, used later from other threads.
		ServedCall served = new ServedCall(ServerStreamContext.current(), responses);
		return new StreamObserver<>() {

			@Override
			public void onNext(EchoRequest request) {
				if (served.name == null) {
					serve(served, request.getText());
				}
				served.send("echo: " + request.getText(), request.getSeq());
			}

			@Override
			public void onError(Throwable t) {
				served.requestError = t;
			}

			@Override
			public void onCompleted() {
				served.complete();
			}

		};
	}

	@Override
	public void repeat(EchoRequest request, StreamObserver<EchoResponse> responseObserver) {
		ServedCall served = new ServedCall(ServerStreamContext.current(),
				(ServerCallStreamObserver<EchoResponse>) responseObserver);
		serve(served, request.getText());
		served.send("started: " + request.getText(), request.getSeq());
	}

	private void serve(ServedCall served, String name) {
		served.name = name;
		served.context.onDrain(served.noticed::countDown);
		if (name.startsWith(COMPLETE_ON_DRAIN)) {
			served.context.onDrain(() -> {
				served.send("drained: " + name, 0);
				served.complete();
			});
		}
		this.calls.put(name, served);
	}

	/** One call as its handler saw it. */
	static final class ServedCall {

		final ServerStreamContext context;

		private final ServerCallStreamObserver<EchoResponse> responses;

		final CountDownLatch noticed = new CountDownLatch(1);

		final CountDownLatch cancelled = new CountDownLatch(1);

		volatile String name;

		/** What the request observer's onError received, if anything. */
		volatile Throwable requestError;

		ServedCall(ServerStreamContext context, ServerCallStreamObserver<EchoResponse> responses) {
			this.context = context;
			this.responses = responses;
			responses.setOnCancelHandler(this.cancelled::countDown);
		}

		/** Guarded by {@link #responses}: the drain action and the client's half-close may both complete. */
		private boolean completed;

		void send(String text, long seq) {
			synchronized (this.responses) {
				if (!this.completed) {
					this.responses.onNext(EchoResponse.newBuilder().setText(text).setSeq(seq).build());
				}
			}
		}

		void complete() {
			synchronized (this.responses) {
				if (!this.completed) {
					this.completed = true;
					this.responses.onCompleted();
				}
			}
		}

		boolean wasNoticed() throws InterruptedException {
			return this.noticed.await(10, TimeUnit.SECONDS);
		}

		boolean wasCancelled() throws InterruptedException {
			return this.cancelled.await(10, TimeUnit.SECONDS);
		}

	}

}
