package dev.triplestream.server;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

import dev.triplestream.test.v1.EchoRequest;
import dev.triplestream.test.v1.EchoResponse;
import dev.triplestream.test.v1.EchoServiceGrpc;

/**
 * The service of the abuse-limit tests. {@code Chat} echoes every message ({@code "echo: " + text})
 * and completes on the half-close: the well-behaved stream that must go on. {@code Repeat} floods
 * its client with {@code seq} messages of the size its request names, {@code "ignore SIZE PAUSE_MS"}
 * from a thread of its own that ignores {@code isReady()}, or {@code "respect SIZE"} only while the
 * call is ready (an {@code onReady} handler), then completes. {@code Echo} answers with a reply of
 * the size its text names (a number), else with the text.
 */
class FloodTestService extends EchoServiceGrpc.EchoServiceImplBase {

	private final ExecutorService flooders = Executors.newCachedThreadPool();

	/** Each flood by its request's text. */
	final Map<String, Flood> floods = new ConcurrentHashMap<>();

	@Override
	public void echo(EchoRequest request, StreamObserver<EchoResponse> responses) {
		String text = request.getText();
		String reply = text.chars().allMatch(Character::isDigit) ? "x".repeat(Integer.parseInt(text)) : text;
		responses.onNext(EchoResponse.newBuilder().setText(reply).build());
		responses.onCompleted();
	}

	@Override
	public StreamObserver<EchoRequest> chat(StreamObserver<EchoResponse> responses) {
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
				responses.onCompleted();
			}

		};
	}

	@Override
	public void repeat(EchoRequest request, StreamObserver<EchoResponse> responseObserver) {
		ServerCallStreamObserver<EchoResponse> responses = (ServerCallStreamObserver<EchoResponse>) responseObserver;
		String[] words = request.getText().split(" ");
		Flood flood = new Flood();
		this.floods.put(request.getText(), flood);
		responses.setOnCancelHandler(() -> flood.cancelled = true);
		EchoResponse chunk = EchoResponse.newBuilder().setText("x".repeat(Integer.parseInt(words[1]))).build();
		long count = request.getSeq();
		if (words[0].equals("ignore")) {
			long pauseMillis = Long.parseLong(words[2]);
			this.flooders.execute(() -> {
				try {
					for (long i = 0; i < count && !responses.isCancelled(); i++) {
						responses.onNext(chunk);
						flood.sent.incrementAndGet();
						if (pauseMillis > 0) {
							TimeUnit.MILLISECONDS.sleep(pauseMillis);
						}
					}
					if (!responses.isCancelled()) {
						responses.onCompleted();
					}
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				finally {
					flood.done.countDown();
				}
			});
		}
		else {
			responses.setOnReadyHandler(() -> {
				while (responses.isReady() && flood.sent.get() < count) {
					responses.onNext(chunk);
					flood.sent.incrementAndGet();
				}
				if (!responses.isReady()) {
					flood.pauses.incrementAndGet();
				}
				if (flood.sent.get() == count && flood.done.getCount() > 0) {
					responses.onCompleted();
					flood.done.countDown();
				}
			});
		}
	}

	void shutdown() {
		this.flooders.shutdownNow();
	}

	/** What one flood did. */
	static final class Flood {

		final AtomicInteger sent = new AtomicInteger();

		/** How many times a handler that respects flow control found the call not ready. */
		final AtomicInteger pauses = new AtomicInteger();

		final CountDownLatch done = new CountDownLatch(1);

		volatile boolean cancelled;

	}

}
