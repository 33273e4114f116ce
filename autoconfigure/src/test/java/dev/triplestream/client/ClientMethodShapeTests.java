package dev.triplestream.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.google.protobuf.StringValue;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.triplestream.stream.StreamRegistry;
import dev.triplestream.stream.StreamSide;
import dev.triplestream.stream.TrackedStream;
import dev.triplestream.test.v1.EchoRequest;
import dev.triplestream.test.v1.EchoResponse;
import dev.triplestream.test.v1.EchoServiceGrpc;

import static dev.triplestream.client.BidiStreamLifecycleTests.millisSince;
import static dev.triplestream.client.ChatClient.request;
import static dev.triplestream.client.ChatClient.response;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Every supported {@link TripleClient} method shape, end to end through
 * {@link TripleClientFactory} against a real server.
 */
@Timeout(60)
class ClientMethodShapeTests {

	private static final Logger logger = LoggerFactory.getLogger(ClientMethodShapeTests.class);

	private static final String SERVICE = "triplestream.test.v1.EchoService/";

	private final ServerProbe probe = new ServerProbe();

	private ClientFixture fixture;

	@AfterEach
	void tearDown() throws InterruptedException {
		if (this.fixture != null) {
			this.fixture.close();
		}
	}

	private ChatClient inProcessClient() {
		this.fixture = ClientFixture.inProcess()
			.service(new ShapesService())
			.service(WrapperService.definition())
			.interceptor(this.probe.recorder())
			.start();
		return this.fixture.client(ChatClient.class);
	}

	private ChatClient nettyClient() {
		this.fixture = ClientFixture.netty()
			.idleTimeout("1s")
			.service(new ShapesService())
			.interceptor(this.probe.recorder())
			.start();
		return this.fixture.client(ChatClient.class);
	}

	@Test
	void blockingBidiStream() {
		ChatClient client = inProcessClient();
		try (BidiStream<EchoRequest, EchoResponse> stream = client.chat()) {
			stream.send(request("a"));
			stream.send(request("b"));
			stream.closeSend();
			assertThat(stream).extracting(EchoResponse::getText).containsExactly("a", "b");
			assertThat(stream.status().isOk()).isTrue();
		}
		assertThat(methodsCalled()).containsExactly("Chat");
	}

	@Test
	void asyncBidiStream() throws Exception {
		ChatClient client = inProcessClient();
		RecordingObserver<EchoResponse> responses = new RecordingObserver<>();
		StreamObserver<EchoRequest> requests = client.chatAsync(responses);
		requests.onNext(request("a"));
		requests.onNext(request("b"));
		requests.onNext(request("c"));
		requests.onCompleted();

		assertThat(responses.awaitStatus().isOk()).isTrue();
		assertThat(responses.values).extracting(EchoResponse::getText).containsExactly("a", "b", "c");
		assertThat(methodsCalled()).containsExactly("Chat");
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(this.fixture.registry().count(StreamSide.CLIENT)).isZero());
	}

	/**
	 * An async call the lifecycle ends while it opens (here an operator cancel as soon as it is
	 * registered; in production also a drain or a leak watch) reports the end to its observer, as
	 * grpc's async stubs report every end: the method that opened it must not throw.
	 */
	@Test
	void asyncCallsEndedWhileOpeningReportTheEndToTheirObserver() throws Exception {
		ChatClient client = inProcessClient();
		StreamRegistry registry = this.fixture.registry();
		registry.addListener(new StreamRegistry.Listener() {

			@Override
			public void opened(TrackedStream stream) {
				if (stream.side() == StreamSide.CLIENT) {
					registry.cancel(stream.id());
				}
			}

			@Override
			public void closed(TrackedStream stream) {
			}

		});
		RecordingObserver<EchoResponse> streamed = new RecordingObserver<>();
		client.repeatAsync(request("a"), streamed);
		RecordingObserver<EchoResponse> unary = new RecordingObserver<>();
		client.echoObserved(request("b"), unary);

		for (RecordingObserver<EchoResponse> observer : List.of(streamed, unary)) {
			Status status = observer.awaitStatus();
			assertThat(status.getCode()).isEqualTo(Status.Code.CANCELLED);
			assertThat(status.getDescription()).isEqualTo(StreamRegistry.CANCELLED_BY_OPERATOR);
		}
		assertThat(client.echoAsync(request("c"))).failsWithin(10, TimeUnit.SECONDS)
			.withThrowableThat()
			.havingCause()
			.isInstanceOfSatisfying(StatusRuntimeException.class, (ex) -> assertThat(ex.getStatus().getDescription())
				.isEqualTo(StreamRegistry.CANCELLED_BY_OPERATOR));
	}

	@Test
	void asyncClientStreaming() throws Exception {
		ChatClient client = inProcessClient();
		RecordingObserver<EchoResponse> response = new RecordingObserver<>();
		StreamObserver<EchoRequest> requests = client.collect(response);
		requests.onNext(request("a"));
		requests.onNext(request("b"));
		requests.onNext(request("c"));
		requests.onCompleted();

		assertThat(response.awaitStatus().isOk()).isTrue();
		assertThat(response.values).extracting(EchoResponse::getText).containsExactly("a,b,c");
		assertThat(methodsCalled()).containsExactly("Collect");
	}

	@Test
	void blockingUnary() {
		ChatClient client = inProcessClient();
		assertThat(client.echo(request("hello")).getText()).isEqualTo("hello");
		assertThatThrownBy(() -> client.echo(request("fail"))).isInstanceOfSatisfying(StatusRuntimeException.class,
				(ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.ABORTED));
		assertThat(methodsCalled()).containsExactly("Echo", "Echo");
		assertThat(this.fixture.registry().count(StreamSide.CLIENT)).isZero();
	}

	@Test
	void futureUnaryRenamedByTripleMethod() throws Exception {
		ChatClient client = inProcessClient();
		assertThat(client.echoAsync(request("hello")).get(5, TimeUnit.SECONDS).getText()).isEqualTo("hello");
		assertThat(methodsCalled()).containsExactly("Echo");
	}

	@Test
	void cancellingTheFutureCancelsTheCall() {
		ChatClient client = inProcessClient();
		CompletableFuture<EchoResponse> future = client.echoAsync(request("hang"));
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(this.probe.calls).hasSize(1));
		assertThat(this.fixture.registry().count(StreamSide.CLIENT)).isEqualTo(1);

		assertThat(future.cancel(true)).isTrue();

		assertThatThrownBy(future::join).isInstanceOf(CancellationException.class);
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
			assertThat(this.probe.cancellations).hasValue(1);
			assertThat(this.fixture.registry().count(StreamSide.CLIENT)).isZero();
		});
	}

	@Test
	void observedUnaryWithTripleMethodType() throws Exception {
		ChatClient client = inProcessClient();
		RecordingObserver<EchoResponse> response = new RecordingObserver<>();
		client.echoObserved(request("hello"), response);
		assertThat(response.awaitStatus().isOk()).isTrue();
		assertThat(response.values).extracting(EchoResponse::getText).containsExactly("hello");
		assertThat(methodsCalled()).containsExactly("Echo");
	}

	@Test
	void blockingServerStream() {
		ChatClient client = inProcessClient();
		try (ServerStream<EchoResponse> stream = client.repeat(request("r", 3))) {
			assertThat(stream).extracting(EchoResponse::getSeq).containsExactly(0L, 1L, 2L);
			assertThat(stream.status().isOk()).isTrue();
		}
		assertThat(methodsCalled()).containsExactly("Repeat");
	}

	@Test
	void observedServerStream() throws Exception {
		ChatClient client = inProcessClient();
		RecordingObserver<EchoResponse> responses = new RecordingObserver<>();
		client.repeatAsync(request("r", 3), responses);
		assertThat(responses.awaitStatus().isOk()).isTrue();
		assertThat(responses.values).extracting(EchoResponse::getSeq).containsExactly(0L, 1L, 2L);
		assertThat(methodsCalled()).containsExactly("Repeat");
	}

	@Test
	void wellKnownTypesAsRequestAndResponse() {
		inProcessClient();
		WrapperService.WrapperClient client = this.fixture.client(WrapperService.WrapperClient.class);
		assertThat(client.upper(StringValue.of("triple")).getValue()).isEqualTo("TRIPLE");
		try (ServerStream<StringValue> letters = client.letters(StringValue.of("abc"))) {
			assertThat(letters).extracting(StringValue::getValue).containsExactly("a", "b", "c");
		}
		assertThat(this.probe.calls).extracting(ServerProbe.Call::method)
			.containsExactly(WrapperService.NAME + "/Upper", WrapperService.NAME + "/Letters");
	}

	@Test
	void theClientDescribesItself() {
		ChatClient client = inProcessClient();
		assertThat(client.toString()).isEqualTo("TripleClient[" + ChatClient.class.getName() + " on channel 'chat']");
		assertThat(client).isEqualTo(client).isNotEqualTo(this.fixture.client(ChatClient.class));
	}

	@Test
	void tripleMethodIdleTimeoutOverridesTheChannelsAndNamesTheAnnotation() {
		ChatClient client = nettyClient();
		BidiStream<EchoRequest, EchoResponse> stream = client.impatientChat();
		stream.send(request("silent"));
		long start = System.nanoTime();
		assertThatThrownBy(stream::receive).isInstanceOfSatisfying(StatusRuntimeException.class, (ex) -> {
			assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
			assertThat(ex.getStatus().getDescription())
				.isEqualTo("idle for 500ms (@TripleMethod(idleTimeout) on ChatClient.impatientChat)");
		});
		long elapsed = millisSince(start);
		logger.info("@TripleMethod(idleTimeout = \"500ms\") over a 1s channel idle-timeout: ended after {} ms", elapsed);
		assertThat(elapsed).isBetween(450L, 2_500L);
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(this.probe.cancellations).hasValue(1));
	}

	@Test
	void tripleMethodDeadlineBoundsTheStreamAndNamesTheAnnotation() {
		ChatClient client = nettyClient();
		BidiStream<EchoRequest, EchoResponse> stream = client.boundedChat();
		long start = System.nanoTime();
		// Keep talking so that only the deadline can end the stream.
		assertThatThrownBy(() -> {
			for (int i = 0; i < 100; i++) {
				stream.send(request("ping", i));
				stream.receive();
				Thread.sleep(100);
			}
		}).isInstanceOfSatisfying(StatusRuntimeException.class, (ex) -> {
			assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
			assertThat(ex.getStatus().getDescription())
				.startsWith("deadline of 700ms (@TripleMethod(deadline) on ChatClient.boundedChat) exceeded");
		});
		long elapsed = millisSince(start);
		Long sentTimeout = this.probe.calls.get(0).grpcTimeoutNanos();
		logger.info("@TripleMethod(deadline = \"700ms\") on a stream: ended after {} ms; grpc-timeout {} ns", elapsed,
				sentTimeout);
		assertThat(elapsed).isBetween(600L, 2_500L);
		assertThat(sentTimeout).isNotNull().isLessThanOrEqualTo(Duration.ofMillis(700).toNanos());
	}

	@Test
	void asyncObserverStreamsAreTrackedAndGetTheIdleTimeout() throws Exception {
		ChatClient client = nettyClient();
		RecordingObserver<EchoResponse> responses = new RecordingObserver<>();
		StreamObserver<EchoRequest> requests = client.chatAsync(responses);
		requests.onNext(request("ack then silent"));
		List<TrackedStream> open = new ArrayList<>(this.fixture.registry().streams(StreamSide.CLIENT));
		assertThat(open).hasSize(1);
		assertThat(open.get(0).fullMethodName()).isEqualTo(SERVICE + "Chat");
		assertThat(open.get(0).type()).isEqualTo(MethodType.BIDI_STREAMING);
		assertThat(open.get(0).origin()).isEqualTo("chat");
		assertThat(open.get(0).peer()).isEqualTo(this.fixture.target());
		assertThat(open.get(0).openedAt()).isEqualTo("ChatClient.chatAsync()");

		// The idle clock runs from the last message: the server's acknowledgement.
		await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5)).until(() -> !responses.values.isEmpty());
		long start = System.nanoTime();
		Status end = responses.awaitStatus();
		long elapsed = millisSince(start);
		logger.info("async bidi stream with a 1s idle-timeout: onError after {} ms: {}", elapsed, end);
		assertThat(end.getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
		assertThat(end.getDescription()).isEqualTo("idle for 1s (triple.client.channels.chat.idle-timeout)");
		assertThat(elapsed).isBetween(900L, 3_000L);
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(this.fixture.registry().count(StreamSide.CLIENT)).isZero());
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(this.probe.cancellations).hasValue(1));
		// A message sent after the lifecycle ended the call fails with the reason, not grpc's bare
		// "call was cancelled".
		assertThatThrownBy(() -> requests.onNext(request("late"))).isInstanceOfSatisfying(StatusRuntimeException.class,
				(ex) -> assertThat(ex.getStatus().getDescription()).isEqualTo(end.getDescription()));
	}

	private List<String> methodsCalled() {
		return this.probe.calls.stream().map((call) -> call.method().substring(SERVICE.length())).toList();
	}

	/**
	 * Echo echoes ("fail" fails with ABORTED, "hang" never answers); Chat echoes each message
	 * ("silent" never answers again, "ack then silent" answers once) and completes on half-close; Collect joins the texts; Repeat sends
	 * {@code seq} responses.
	 */
	private final class ShapesService extends EchoServiceGrpc.EchoServiceImplBase {

		@Override
		public void echo(EchoRequest request, StreamObserver<EchoResponse> response) {
			ClientMethodShapeTests.this.probe.watchCancel(response);
			switch (request.getText()) {
				case "hang" -> {
				}
				case "fail" -> response.onError(Status.ABORTED.withDescription("as asked").asRuntimeException());
				default -> {
					response.onNext(response(request.getText()));
					response.onCompleted();
				}
			}
		}

		@Override
		public StreamObserver<EchoRequest> chat(StreamObserver<EchoResponse> responses) {
			ClientMethodShapeTests.this.probe.watchCancel(responses);
			return new BidiStreamLifecycleTests.ServerObserver() {

				private boolean silent;

				@Override
				public void onNext(EchoRequest request) {
					if (request.getText().equals("ack then silent")) {
						responses.onNext(response("ack"));
					}
					this.silent |= request.getText().endsWith("silent");
					if (!this.silent) {
						responses.onNext(response(request.getText(), request.getSeq()));
					}
				}

				@Override
				public void onCompleted() {
					if (!this.silent) {
						responses.onCompleted();
					}
				}

			};
		}

		@Override
		public StreamObserver<EchoRequest> collect(StreamObserver<EchoResponse> response) {
			List<String> texts = new ArrayList<>();
			return new BidiStreamLifecycleTests.ServerObserver() {

				@Override
				public void onNext(EchoRequest request) {
					texts.add(request.getText());
				}

				@Override
				public void onCompleted() {
					response.onNext(response(String.join(",", texts)));
					response.onCompleted();
				}

			};
		}

		@Override
		public void repeat(EchoRequest request, StreamObserver<EchoResponse> responses) {
			for (int i = 0; i < request.getSeq(); i++) {
				responses.onNext(response(request.getText(), i));
			}
			responses.onCompleted();
		}

	}

}
