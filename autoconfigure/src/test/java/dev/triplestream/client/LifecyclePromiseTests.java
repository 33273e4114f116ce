package dev.triplestream.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.triplestream.stream.StreamSide;
import dev.triplestream.test.v1.EchoRequest;
import dev.triplestream.test.v1.EchoResponse;
import dev.triplestream.test.v1.EchoServiceGrpc;

import static dev.triplestream.client.ChatClient.request;
import static dev.triplestream.client.ChatClient.response;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The lifecycle's promises in ordinary idioms, each against a plain grpc-java server: a for-each
 * is not a leak, an upload cut short by a shutdown never looks complete, a failed unary call never
 * looks successful, {@code close()} waits only where waiting can change the outcome, and the drain
 * keeps the application's flow control.
 */
class LifecyclePromiseTests {

	private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);

	private final PacedService service = new PacedService();

	private ClientFixture fixture;

	@AfterEach
	void close() throws InterruptedException {
		this.scheduler.shutdownNow();
		if (this.fixture != null) {
			this.fixture.close();
		}
	}

	@ParameterizedTest
	@EnumSource(LeakDetection.class)
	void aForEachLoopIsNotALeakWhileItRuns(LeakDetection detection) {
		this.fixture = ClientFixture.netty().leakDetection(detection).service(this.service).start();
		ChatClient client = this.fixture.client(ChatClient.class);
		int received = 0;
		for (EchoResponse response : client.repeat(request("count", 300))) {
			assertThat(response.getSeq()).isEqualTo(received);
			received++;
			if (received % 10 == 0) {
				System.gc();
			}
		}
		assertThat(received).isEqualTo(300);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.fixture.registry().count(StreamSide.CLIENT) == 0);
	}

	@ParameterizedTest
	@EnumSource(LeakDetection.class)
	void aReceiveOnAHandleNoVariableHoldsIsNotALeak(LeakDetection detection) throws Exception {
		this.fixture = ClientFixture.netty().leakDetection(detection).service(this.service).start();
		ChatClient client = this.fixture.client(ChatClient.class);
		AtomicBoolean waiting = new AtomicBoolean(true);
		Thread collector = new Thread(() -> {
			while (waiting.get()) {
				System.gc();
				Thread.onSpinWait();
			}
		});
		collector.start();
		try {
			// The server answers after 1s, while the collector runs: nothing holds the handle.
			EchoResponse first = client.repeat(request("slow", 1)).receive();
			assertThat(first).isEqualTo(response("slow", 0));
		}
		finally {
			waiting.set(false);
			collector.join();
		}
	}

	@Test
	void theDrainNeverMakesAnInterruptedUploadLookComplete() throws Exception {
		this.fixture = ClientFixture.netty().gracePeriod("1s").service(this.service).start();
		ChatClient client = this.fixture.client(ChatClient.class);
		RecordingObserver<EchoResponse> result = new RecordingObserver<>();
		StreamObserver<EchoRequest> upload = client.collect(result);
		AtomicInteger chunk = new AtomicInteger();
		ScheduledFuture<?> uploader = this.scheduler.scheduleAtFixedRate(() -> {
			int next = chunk.getAndIncrement();
			if (next < 200) {
				upload.onNext(request("chunk", next));
			}
			else if (next == 200) {
				upload.onCompleted();
			}
		}, 0, 25, TimeUnit.MILLISECONDS);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.service.chunks.get() >= 20);
		this.fixture.streams().drain();
		uploader.cancel(false);
		Status status = result.awaitStatus();
		assertThat(status.getCode()).as("%s", status).isEqualTo(Status.Code.CANCELLED);
		assertThat(result.values).isEmpty();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.service.uploadsCancelled.get() == 1);
		assertThat(this.service.uploadsCompleted.get()).as("uploads the server took for complete").isZero();
	}

	@Test
	void aUnaryFutureFailsWhenTheServerSendsAMessageAndThenAnError() {
		this.fixture = ClientFixture.netty()
			.service(this.service)
			.interceptor(answerEcho(Status.FAILED_PRECONDITION.withDescription("after all, no"), true))
			.start();
		CompletableFuture<EchoResponse> future = this.fixture.client(ChatClient.class).echoAsync(request("hello"));
		assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
			.cause()
			.isInstanceOfSatisfying(StatusRuntimeException.class,
					(ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION));
	}

	@Test
	void aUnaryFutureFailsWhenTheServerEndsWithOkButNoMessage() {
		// grpc-java servers refuse to end a unary call without a response; other Triple servers do
		// not, and a server that declares Echo as server-streaming is one of them.
		MethodDescriptor<EchoRequest, EchoResponse> streamingEcho = EchoServiceGrpc.getEchoMethod()
			.toBuilder()
			.setType(MethodDescriptor.MethodType.SERVER_STREAMING)
			.build();
		ServerServiceDefinition lenient = ServerServiceDefinition.builder("triplestream.test.v1.EchoService")
			.addMethod(streamingEcho, ServerCalls.asyncServerStreamingCall((request, responses) -> responses.onCompleted()))
			.build();
		this.fixture = ClientFixture.netty().service(lenient).start();
		CompletableFuture<EchoResponse> future = this.fixture.client(ChatClient.class).echoAsync(request("hello"));
		assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
			.cause()
			.isInstanceOfSatisfying(StatusRuntimeException.class,
					(ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL));
	}

	@Test
	void closingAServerStreamEarlyCancelsItWithoutWaitingForTheCloseTimeout() {
		this.fixture = ClientFixture.netty().closeTimeout("30s").service(this.service).start();
		ServerStream<EchoResponse> stream = this.fixture.client(ChatClient.class).repeat(request("endless", 0));
		assertThat(stream.receive().getSeq()).isZero();
		long started = System.nanoTime();
		stream.close();
		Duration took = Duration.ofNanos(System.nanoTime() - started);
		// Far under the close timeout: close() had nothing left to ask of the server.
		assertThat(took).isLessThan(Duration.ofSeconds(15));
		assertThat(stream.status().getCode()).isEqualTo(Status.Code.CANCELLED);
		assertThat(stream.status().getDescription()).doesNotContain("did not end");
		await().atMost(Duration.ofSeconds(10)).until(() -> this.service.streamsCancelled.get() == 1);
	}

	@Test
	void theDrainKeepsTheFlowControlOfAStreamTheApplicationStillReads() throws Exception {
		this.fixture = ClientFixture.inProcess().gracePeriod("5s").service(this.service).start();
		ServerStream<EchoResponse> stream = this.fixture.client(ChatClient.class).repeat(request("flood", 10_000));
		assertThat(stream.receive().getSeq()).isZero();
		Thread drain = new Thread(() -> this.fixture.streams().drain());
		drain.start();
		try {
			// The application reads nothing more: what the server may send stays bounded by what the
			// handle asked for, not the 10,000 messages the server has.
			await().during(Duration.ofSeconds(1))
				.atMost(Duration.ofSeconds(3))
				.until(() -> this.service.floodSent.get() < 1_000);
		}
		finally {
			stream.close();
			drain.join();
		}
	}

	@Test
	void anAbandonedGeneratedStubIteratorLeavesTheRegistryWhenTheDrainEndsIt() {
		this.fixture = ClientFixture.netty().gracePeriod("500ms").service(this.service).start();
		Iterator<EchoResponse> responses = EchoServiceGrpc.newBlockingStub(this.fixture.channel())
			.repeat(request("endless", 0));
		assertThat(responses.next().getSeq()).isZero();
		// The iterator is abandoned: its ThreadlessExecutor never runs again.
		this.fixture.streams().drain();
		assertThat(this.fixture.registry().count(StreamSide.CLIENT)).isZero();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.service.streamsCancelled.get() == 1);
	}

	@Test
	void aCallWhoseStartFailsIsNotLeftRegistered() throws Exception {
		this.fixture = ClientFixture.netty().service(this.service).start();
		ManagedChannel failing = io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder
			.forTarget(this.fixture.target())
			.usePlaintext()
			.intercept(new io.grpc.ClientInterceptor() {

				@Override
				public <Q, R> io.grpc.ClientCall<Q, R> interceptCall(io.grpc.MethodDescriptor<Q, R> method,
						io.grpc.CallOptions options, io.grpc.Channel next) {
					return new io.grpc.ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {

						@Override
						public void start(Listener<R> listener, Metadata headers) {
							throw new IllegalStateException("this call cannot start");
						}

					};
				}

			})
			.intercept(this.fixture.streams()
				.interceptor("failing", this.fixture.target(), ClientFixture.netty().settings()))
			.build();
		try {
			ChatClient client = new TripleClientFactory((name) -> failing, this.fixture.streams())
				.create(ChatClient.class);
			assertThatThrownBy(client::chat).hasMessageContaining("this call cannot start");
			assertThat(this.fixture.registry().streams()).isEmpty();
		}
		finally {
			failing.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
		}
	}

	@Test
	void aRegistryListenerThatThrowsBreaksNoCall() {
		this.fixture = ClientFixture.netty().service(this.service).start();
		List<Long> seen = new ArrayList<>();
		this.fixture.registry().addListener(new dev.triplestream.stream.StreamRegistry.Listener() {

			@Override
			public void opened(dev.triplestream.stream.TrackedStream stream) {
				throw new IllegalStateException("broken listener");
			}

			@Override
			public void closed(dev.triplestream.stream.TrackedStream stream) {
				throw new IllegalStateException("broken listener");
			}

		});
		this.fixture.registry().addListener(new dev.triplestream.stream.StreamRegistry.Listener() {

			@Override
			public void opened(dev.triplestream.stream.TrackedStream stream) {
				seen.add(stream.id());
			}

			@Override
			public void closed(dev.triplestream.stream.TrackedStream stream) {
				seen.add(-stream.id());
			}

		});
		ChatClient client = this.fixture.client(ChatClient.class);
		assertThat(client.repeat(request("count", 3))).hasSize(3);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.fixture.registry().count(StreamSide.CLIENT) == 0);
		assertThat(seen).hasSize(2);
	}

	/** Answers Echo calls itself: a message (when asked) and then {@code status}. */
	private static ServerInterceptor answerEcho(Status status, boolean withMessage) {
		return new ServerInterceptor() {

			@Override
			@SuppressWarnings("unchecked")
			public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
					ServerCallHandler<Q, R> next) {
				if (!call.getMethodDescriptor().getBareMethodName().equals("Echo")) {
					return next.startCall(call, headers);
				}
				call.sendHeaders(new Metadata());
				if (withMessage) {
					call.sendMessage((R) response("partial"));
				}
				call.close(status, new Metadata());
				return new ServerCall.Listener<>() {
				};
			}

		};
	}

	/**
	 * Repeat: "count" sends {@code seq} messages; "slow" sends them after 1s; "endless" one every
	 * 20 ms until cancelled; "flood" {@code seq} messages, as fast as flow control lets it. Collect
	 * counts chunks and, on half-close, answers with their number.
	 */
	private final class PacedService extends EchoServiceGrpc.EchoServiceImplBase {

		final AtomicInteger chunks = new AtomicInteger();

		final AtomicInteger uploadsCompleted = new AtomicInteger();

		final AtomicInteger uploadsCancelled = new AtomicInteger();

		final AtomicInteger streamsCancelled = new AtomicInteger();

		final AtomicInteger floodSent = new AtomicInteger();

		@Override
		public void repeat(EchoRequest request, StreamObserver<EchoResponse> responses) {
			ServerCallStreamObserver<EchoResponse> call = (ServerCallStreamObserver<EchoResponse>) responses;
			call.setOnCancelHandler(this.streamsCancelled::incrementAndGet);
			String text = request.getText();
			switch (text) {
				case "slow" -> LifecyclePromiseTests.this.scheduler.schedule(() -> sendAll(call, text, request.getSeq()),
						1, TimeUnit.SECONDS);
				case "endless" -> {
					AtomicInteger seq = new AtomicInteger();
					LifecyclePromiseTests.this.scheduler.scheduleAtFixedRate(() -> {
						if (!call.isCancelled()) {
							call.onNext(response(text, seq.getAndIncrement()));
						}
						else {
							throw new IllegalStateException("cancelled: stop repeating");
						}
					}, 0, 20, TimeUnit.MILLISECONDS);
				}
				case "flood" -> {
					AtomicInteger seq = new AtomicInteger();
					call.setOnReadyHandler(() -> {
						while (call.isReady() && !call.isCancelled() && seq.get() < request.getSeq()) {
							call.onNext(response(text, seq.getAndIncrement()));
							this.floodSent.incrementAndGet();
						}
						if (seq.get() == request.getSeq() && !call.isCancelled()) {
							seq.incrementAndGet();
							call.onCompleted();
						}
					});
				}
				default -> sendAll(call, text, request.getSeq());
			}
		}

		private void sendAll(StreamObserver<EchoResponse> responses, String text, long count) {
			for (int i = 0; i < count; i++) {
				responses.onNext(response(text, i));
			}
			responses.onCompleted();
		}

		@Override
		public StreamObserver<EchoRequest> collect(StreamObserver<EchoResponse> response) {
			return new StreamObserver<>() {

				private int received;

				@Override
				public void onNext(EchoRequest value) {
					this.received++;
					PacedService.this.chunks.incrementAndGet();
				}

				@Override
				public void onError(Throwable error) {
					PacedService.this.uploadsCancelled.incrementAndGet();
				}

				@Override
				public void onCompleted() {
					PacedService.this.uploadsCompleted.incrementAndGet();
					response.onNext(response("stored", this.received));
					response.onCompleted();
				}

			};
		}

	}

}
