package dev.triplestream.client;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.triplestream.actuate.TripleStreamMetrics;
import dev.triplestream.stream.EndReason;
import dev.triplestream.stream.StreamRegistry;
import dev.triplestream.stream.StreamSide;
import dev.triplestream.stream.TrackedStream;
import dev.triplestream.test.v1.EchoRequest;
import dev.triplestream.test.v1.EchoResponse;
import dev.triplestream.test.v1.EchoServiceGrpc;

import static dev.triplestream.client.ChatClient.request;
import static dev.triplestream.client.ChatClient.response;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Every client stream ends exactly once, with the reason that ended it: each reason of the client
 * side driven for real against a grpc-java server on loopback, and counted exactly once by the
 * {@code triple.streams.ended} and {@code triple.streams.duration} meters.
 */
class ClientEndReasonTests {

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final Ends ends = new Ends(this.meters);

	private ClientFixture fixture;

	@AfterEach
	void close() throws InterruptedException {
		if (this.fixture != null) {
			this.fixture.close();
		}
	}

	private ChatClient start(ClientFixture.Builder builder) {
		this.fixture = builder.service(new Service()).start();
		new TripleStreamMetrics(this.fixture.registry(), (method) -> false).bindTo(this.meters);
		this.fixture.registry().addListener(this.ends);
		return this.fixture.client(ChatClient.class);
	}

	@Test
	void completed() {
		ChatClient client = start(ClientFixture.netty());
		assertThat(client.repeat(request("ok", 2))).hasSize(2);
		assertThat(this.ends.only()).isEqualTo(EndReason.COMPLETED);
	}

	@Test
	void failed() {
		ChatClient client = start(ClientFixture.netty());
		assertThatThrownBy(() -> client.echo(request("fail"))).isInstanceOf(StatusRuntimeException.class);
		assertThat(this.ends.only()).isEqualTo(EndReason.FAILED);
	}

	@Test
	void cancelledByTheApplication() {
		ChatClient client = start(ClientFixture.netty());
		BidiStream<EchoRequest, EchoResponse> stream = client.chat();
		stream.cancel("changed my mind");
		assertThat(this.ends.only()).isEqualTo(EndReason.CANCELLED_BY_APPLICATION);
		assertThatThrownBy(stream::receive).isInstanceOfSatisfying(StatusRuntimeException.class,
				(ex) -> assertThat(ex.getStatus().getDescription()).isEqualTo("changed my mind"));
	}

	@Test
	void cancelledByAnOperator() {
		ChatClient client = start(ClientFixture.netty());
		BidiStream<EchoRequest, EchoResponse> stream = client.chat();
		long id = this.fixture.registry().streams(StreamSide.CLIENT).get(0).id();
		assertThat(this.fixture.registry().cancel(id)).isTrue();
		assertThat(this.fixture.registry().cancel(id)).as("a second cancel").isFalse();
		assertThat(this.ends.only()).isEqualTo(EndReason.CANCELLED_BY_OPERATOR);
		assertThatThrownBy(stream::receive).isInstanceOfSatisfying(StatusRuntimeException.class, (ex) -> {
			assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.CANCELLED);
			assertThat(ex.getStatus().getDescription()).isEqualTo(StreamRegistry.CANCELLED_BY_OPERATOR);
		});
	}

	@Test
	void deadline() {
		ChatClient client = start(ClientFixture.netty());
		BidiStream<EchoRequest, EchoResponse> stream = client.boundedChat();
		assertThatThrownBy(stream::receive).isInstanceOfSatisfying(StatusRuntimeException.class,
				(ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
		assertThat(this.ends.only()).isEqualTo(EndReason.DEADLINE);
	}

	@Test
	void idleTimeout() {
		ChatClient client = start(ClientFixture.netty());
		BidiStream<EchoRequest, EchoResponse> stream = client.impatientChat();
		assertThatThrownBy(stream::receive).isInstanceOfSatisfying(StatusRuntimeException.class,
				(ex) -> assertThat(ex.getStatus().getDescription()).startsWith("idle for 500ms"));
		assertThat(this.ends.only()).isEqualTo(EndReason.IDLE_TIMEOUT);
	}

	@Test
	void closeTimeout() {
		ChatClient client = start(ClientFixture.netty().closeTimeout("300ms"));
		BidiStream<EchoRequest, EchoResponse> stream = client.chat();
		stream.send(request("silent"));
		stream.close();
		assertThat(this.ends.only()).isEqualTo(EndReason.CLOSE_TIMEOUT);
		assertThat(stream.status().getDescription()).contains("did not end the stream within 300ms");
	}

	@Test
	void shutdownDrainedAndShutdownCancelled() {
		ChatClient client = start(ClientFixture.netty().gracePeriod("500ms"));
		BidiStream<EchoRequest, EchoResponse> polite = client.chat();
		polite.send(request("polite"));
		BidiStream<EchoRequest, EchoResponse> stubborn = client.chat();
		stubborn.send(request("silent"));
		await().atMost(Duration.ofSeconds(10)).until(() -> polite.receive() != null);
		this.fixture.streams().drain();
		assertThat(this.ends.reasons.values()).containsExactlyInAnyOrder(EndReason.SHUTDOWN_DRAINED,
				EndReason.SHUTDOWN_CANCELLED);
		this.ends.assertCounted(EndReason.SHUTDOWN_DRAINED, EndReason.SHUTDOWN_CANCELLED);
		assertThat(polite.receive()).isEqualTo(response("bye"));
		assertThat(polite.receive()).isNull();
	}

	@Test
	void abandoned() {
		ChatClient client = start(ClientFixture.netty());
		client.chat().send(request("silent"));
		await().atMost(Duration.ofSeconds(20)).until(() -> {
			System.gc();
			return !this.ends.reasons.isEmpty();
		});
		assertThat(this.ends.only()).isEqualTo(EndReason.ABANDONED);
	}

	@Test
	void peerGone() throws Exception {
		ChatClient client = start(ClientFixture.netty());
		BidiStream<EchoRequest, EchoResponse> stream = client.chat();
		stream.send(request("echo"));
		assertThat(stream.receive()).isEqualTo(response("echo"));
		this.fixture.killServer();
		assertThatThrownBy(stream::receive).isInstanceOf(StatusRuntimeException.class);
		assertThat(this.ends.only()).isEqualTo(EndReason.PEER_GONE);
	}

	@Test
	void limitExceeded() {
		ChatClient client = start(ClientFixture.netty());
		// A reply over the channel's inbound limit (grpc's 4 MiB): this side's limit, not the peer's doing.
		assertThatThrownBy(() -> client.echo(request("huge"))).isInstanceOfSatisfying(StatusRuntimeException.class,
				(ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
		assertThat(this.ends.only()).isEqualTo(EndReason.LIMIT_EXCEEDED);
	}

	@Test
	void refused() {
		ChatClient client = start(ClientFixture.netty());
		this.fixture.streams().drain();
		assertThatThrownBy(() -> client.echo(request("late"))).isInstanceOfSatisfying(StatusRuntimeException.class,
				(ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
		assertThat(this.ends.only()).isEqualTo(EndReason.REFUSED);
	}

	@Test
	void anAsyncCallIsCountedOnceWhateverItsObserverDoes() throws Exception {
		ChatClient client = start(ClientFixture.netty());
		RecordingObserver<EchoResponse> responses = new RecordingObserver<>();
		StreamObserver<EchoRequest> requests = client.chatAsync(responses);
		requests.onNext(request("polite"));
		requests.onCompleted();
		assertThat(responses.awaitStatus().isOk()).isTrue();
		assertThat(responses.values).containsExactly(response("ack"), response("bye"));
		requests.onError(new IllegalStateException("too late"));
		assertThat(this.ends.only()).isEqualTo(EndReason.COMPLETED);
	}

	/** Records each client stream's end; fails on a second end of one stream. */
	private static final class Ends implements StreamRegistry.Listener {

		final Map<Long, EndReason> reasons = new ConcurrentHashMap<>();

		final List<String> problems = new CopyOnWriteArrayList<>();

		private final SimpleMeterRegistry meters;

		Ends(SimpleMeterRegistry meters) {
			this.meters = meters;
		}

		@Override
		public void opened(TrackedStream stream) {
		}

		@Override
		public void closed(TrackedStream stream) {
			if (stream.side() != StreamSide.CLIENT) {
				return;
			}
			if (stream.endReason() == null || stream.status() == null) {
				this.problems.add(stream + " closed without an end");
			}
			if (this.reasons.put(stream.id(), stream.endReason()) != null) {
				this.problems.add(stream + " ended twice");
			}
		}

		/** The one stream's reason, once it has ended. */
		EndReason only() {
			await().atMost(Duration.ofSeconds(10)).until(() -> !this.reasons.isEmpty());
			assertThat(this.problems).isEmpty();
			assertThat(this.reasons).hasSize(1);
			EndReason reason = this.reasons.values().iterator().next();
			assertCounted(reason);
			return reason;
		}

		/** Each of {@code reasons} counted once by the meters, and no other end counted. */
		void assertCounted(EndReason... reasons) {
			double ended = this.meters.find("triple.streams.ended")
				.tag("side", "client")
				.counters()
				.stream()
				.mapToDouble(Counter::count)
				.sum();
			assertThat(ended).as("client streams counted as ended").isEqualTo(reasons.length);
			for (EndReason reason : reasons) {
				assertThat(this.meters.get("triple.streams.ended")
					.tags("side", "client", "reason", reason.tag())
					.counter()
					.count()).as("streams ended as %s", reason).isEqualTo(1);
				assertThat(this.meters.get("triple.streams.duration")
					.tags("side", "client", "reason", reason.tag())
					.timer()
					.count()).as("durations of streams ended as %s", reason).isEqualTo(1);
			}
		}

	}

	/**
	 * Echo fails on "fail", answers "huge" with 5 MiB (over a channel's default inbound limit), else
	 * echoes. Chat echoes, except "silent" (nothing, never ends) and "polite" (acknowledges; on
	 * half-close says "bye" and completes). Repeat sends {@code seq}
	 * messages and completes.
	 */
	private static final class Service extends EchoServiceGrpc.EchoServiceImplBase {

		@Override
		public void echo(EchoRequest request, StreamObserver<EchoResponse> responses) {
			if (request.getText().equals("fail")) {
				responses.onError(Status.FAILED_PRECONDITION.withDescription("no").asRuntimeException());
				return;
			}
			if (request.getText().equals("huge")) {
				responses.onNext(response("x".repeat(5 * 1024 * 1024)));
				responses.onCompleted();
				return;
			}
			responses.onNext(response(request.getText()));
			responses.onCompleted();
		}

		@Override
		public StreamObserver<EchoRequest> chat(StreamObserver<EchoResponse> responses) {
			return new BidiStreamLifecycleTests.ServerObserver() {

				private boolean polite;

				@Override
				public void onNext(EchoRequest request) {
					switch (request.getText()) {
						case "silent" -> {
						}
						case "polite" -> {
							this.polite = true;
							responses.onNext(response("ack"));
						}
						default -> responses.onNext(response(request.getText()));
					}
				}

				@Override
				public void onCompleted() {
					if (this.polite) {
						responses.onNext(response("bye"));
						responses.onCompleted();
					}
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
