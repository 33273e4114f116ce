package dev.triplestream.security;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import io.grpc.stub.StreamObserver;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

import dev.triplestream.server.ServerStreamContext;
import dev.triplestream.server.TripleService;
import dev.triplestream.test.v1.EchoRequest;
import dev.triplestream.test.v1.EchoResponse;
import dev.triplestream.test.v1.EchoServiceGrpc;

/**
 * An echo service that records, at each step of each call, who the {@link SecurityContextHolder}
 * says is calling and on which thread: {@code step:name@thread}. Chat answers each message, completes
 * when the client does, and on its drain notice sends {@code bye} and completes.
 */
@TripleService
class RecordingEchoService extends EchoServiceGrpc.EchoServiceImplBase {

	final AtomicInteger invocations = new AtomicInteger();

	final Queue<String> seen = new ConcurrentLinkedQueue<>();

	@Override
	public void echo(EchoRequest request, StreamObserver<EchoResponse> responses) {
		this.invocations.incrementAndGet();
		record("echo");
		responses.onNext(EchoResponse.newBuilder().setText(request.getText() + " from " + name()).build());
		responses.onCompleted();
	}

	@Override
	public void repeat(EchoRequest request, StreamObserver<EchoResponse> responses) {
		this.invocations.incrementAndGet();
		for (int i = 0; i < 2; i++) {
			responses.onNext(EchoResponse.newBuilder().setText(request.getText()).setSeq(i).build());
		}
		responses.onCompleted();
	}

	@Override
	public StreamObserver<EchoRequest> chat(StreamObserver<EchoResponse> responses) {
		this.invocations.incrementAndGet();
		record("chat");
		ServerStreamContext.current().onDrain(() -> {
			record("drain");
			synchronized (responses) {
				responses.onNext(EchoResponse.newBuilder().setText("bye").build());
				responses.onCompleted();
			}
		});
		return new StreamObserver<>() {

			@Override
			public void onNext(EchoRequest request) {
				record("onNext");
				synchronized (responses) {
					responses.onNext(EchoResponse.newBuilder().setText("echo: " + request.getText()).setSeq(request.getSeq())
						.build());
				}
			}

			@Override
			public void onError(Throwable error) {
				record("onError");
			}

			@Override
			public void onCompleted() {
				record("onCompleted");
				synchronized (responses) {
					responses.onCompleted();
				}
			}

		};
	}

	List<String> seen(String step) {
		return this.seen.stream().filter((entry) -> entry.startsWith(step + ":")).toList();
	}

	private void record(String step) {
		this.seen.add(step + ":" + name() + "@" + Thread.currentThread().getName());
	}

	private static String name() {
		Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
		return (authentication != null) ? authentication.getName() : "none";
	}

}
