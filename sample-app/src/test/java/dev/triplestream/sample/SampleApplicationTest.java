package dev.triplestream.sample;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

import dev.triplestream.sample.chat.v1.ChatMessage;
import dev.triplestream.sample.chat.v1.ChatServiceGrpc;
import dev.triplestream.sample.chat.v1.Tick;
import dev.triplestream.sample.chat.v1.TickRequest;
import dev.triplestream.server.LocalTripleServerPort;
import dev.triplestream.stream.StreamRegistry;
import dev.triplestream.stream.StreamSide;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

// Port 0 would make the demo channels' targets (localhost:${triple.server.port}) invalid; this test
// calls the server with its own channel, so the demo and its channels are switched off.
@SpringBootTest(properties = { "triple.server.port=0", "sample.demo.enabled=false",
		"triple.client.channels.chat.target=in-process:unused", "triple.client.channels.ticker.target=in-process:unused" })
class SampleApplicationTest {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@Value("${local.triple.server.port}")
	private int port;

	@LocalTripleServerPort
	private int portByAnnotation;

	@Autowired
	private StreamRegistry registry;

	private ManagedChannel channel;

	@BeforeEach
	void connect() {
		assertThat(this.port).isPositive().isEqualTo(this.portByAnnotation);
		this.channel = NettyChannelBuilder.forAddress("127.0.0.1", this.port).usePlaintext().build();
	}

	@AfterEach
	void disconnect() {
		this.channel.shutdownNow();
	}

	@Test
	void chatEchoesEveryMessageThenSaysByeOnHalfClose() throws Exception {
		Responses<ChatMessage> responses = new Responses<>();
		StreamObserver<ChatMessage> requests = ChatServiceGrpc.newStub(this.channel).chat(responses);
		for (int seq = 1; seq <= 3; seq++) {
			requests.onNext(ChatMessage.newBuilder().setSeq(seq).setText("message " + seq).build());
		}
		requests.onCompleted();

		for (int seq = 1; seq <= 3; seq++) {
			ChatMessage reply = responses.next();
			assertThat(reply.getText()).isEqualTo("echo: message " + seq);
			assertThat(reply.getSeq()).isEqualTo(seq);
		}
		ChatMessage bye = responses.next();
		assertThat(bye.getText()).isEqualTo("bye");
		assertThat(bye.getSeq()).isEqualTo(3);
		assertThat(responses.status().getCode()).isEqualTo(Status.Code.OK);
	}

	@Test
	void ticksUntilTheClientCancels() throws Exception {
		Responses<Tick> responses = new Responses<>();
		StreamObserver<TickRequest> requests = ChatServiceGrpc.newStub(this.channel).ticks(responses);
		requests.onNext(TickRequest.newBuilder().setIntervalMs(50).build());
		List<Long> seqs = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			seqs.add(responses.next().getSeq());
		}
		assertThat(seqs).containsExactly(1L, 2L, 3L);
		responses.cancel();
		assertThat(responses.status().getCode()).isEqualTo(Status.Code.CANCELLED);
		await().atMost(WAIT).until(() -> this.registry.count(StreamSide.SERVER) == 0);
	}

	@Test
	void ticksRejectAnIntervalThatIsNotPositive() throws Exception {
		Responses<Tick> responses = new Responses<>();
		StreamObserver<TickRequest> requests = ChatServiceGrpc.newStub(this.channel).ticks(responses);
		requests.onNext(TickRequest.newBuilder().setIntervalMs(0).build());
		Status status = responses.status();
		assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
		assertThat(status.getDescription()).contains("interval_ms");
	}

	/** What a call's server sent: its messages in order, then its status. */
	static final class Responses<T> implements ClientResponseObserver<Object, T> {

		private final BlockingQueue<T> messages = new LinkedBlockingQueue<>();

		private final CompletableFuture<Status> status = new CompletableFuture<>();

		private volatile ClientCallStreamObserver<?> call;

		@Override
		public void beforeStart(ClientCallStreamObserver<Object> requestStream) {
			this.call = requestStream;
		}

		@Override
		public void onNext(T message) {
			this.messages.add(message);
		}

		@Override
		public void onError(Throwable t) {
			this.status.complete(Status.fromThrowable(t));
		}

		@Override
		public void onCompleted() {
			this.status.complete(Status.OK);
		}

		T next() throws InterruptedException {
			T message = this.messages.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
			assertThat(message).as("a message within %s (status: %s)", WAIT, this.status.getNow(null)).isNotNull();
			return message;
		}

		Status status() throws Exception {
			return this.status.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
		}

		void cancel() {
			this.call.cancel("cancelled by the test", null);
		}

	}

}
