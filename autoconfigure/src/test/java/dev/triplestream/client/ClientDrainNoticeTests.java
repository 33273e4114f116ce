package dev.triplestream.client;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.grpc.MethodDescriptor.MethodType;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.triplestream.stream.EndReason;
import dev.triplestream.stream.StreamDrain;
import dev.triplestream.test.v1.EchoRequest;
import dev.triplestream.test.v1.EchoResponse;
import dev.triplestream.test.v1.EchoServiceGrpc;

import static dev.triplestream.client.ChatClient.request;
import static dev.triplestream.client.ChatClient.response;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The client side's drain notice and drain policy: the application chooses where a stream ends;
 * the framework half-closes only a bidi stream under the {@code half-close} policy whose application
 * registered no drain action, and never a client-streaming call.
 */
class ClientDrainNoticeTests {

	/** What the server saw of each stream, in order: messages, "half-close", "cancel". */
	private final List<String> seen = new CopyOnWriteArrayList<>();

	private ClientFixture fixture;

	@AfterEach
	void close() throws InterruptedException {
		if (this.fixture != null) {
			this.fixture.close();
		}
	}

	@Test
	void aBidiStreamEndsAtTheBoundaryItsDrainActionChooses() {
		this.fixture = ClientFixture.netty().gracePeriod("10s").service(new Recorder()).start();
		BidiStream<EchoRequest, EchoResponse> stream = this.fixture.client(ChatClient.class).chat();
		stream.send(request("work", 1));
		stream.onDrain(() -> {
			stream.send(request("last", 2));
			stream.closeSend();
		});
		assertThat(stream.receive()).isEqualTo(response("work", 1));
		StreamDrain.Result result = this.fixture.streams().drain();
		assertThat(result.count(EndReason.SHUTDOWN_DRAINED)).isEqualTo(1);
		assertThat(this.seen).containsExactly("work", "last", "half-close");
		assertThat(stream.receive()).isEqualTo(response("last", 2));
		assertThat(stream.receive()).isEqualTo(response("total", 2));
		assertThat(stream.receive()).isNull();
	}

	@Test
	void aClientStreamingCallIsNeverHalfClosedButMayCompleteOnItsNotice() throws Exception {
		this.fixture = ClientFixture.netty().gracePeriod("10s").service(new Recorder()).start();
		RecordingObserver<EchoResponse> result = new RecordingObserver<>();
		RequestObserver<EchoRequest> upload = this.fixture.client(UploadClient.class).upload(result);
		upload.onNext(request("chunk", 1));
		upload.onDrain(() -> {
			upload.onNext(request("chunk", 2));
			upload.onCompleted();
		});
		await().atMost(Duration.ofSeconds(10)).until(() -> this.seen.size() == 1);
		StreamDrain.Result drained = this.fixture.streams().drain();
		assertThat(drained.count(EndReason.SHUTDOWN_DRAINED)).isEqualTo(1);
		assertThat(result.awaitStatus().isOk()).isTrue();
		assertThat(result.values).containsExactly(response("total", 2));
		assertThat(this.seen).containsExactly("chunk", "chunk", "half-close");
	}

	@Test
	void aClientStreamingCallWithoutADrainActionIsCancelledAtTheEndOfTheGrace() throws Exception {
		this.fixture = ClientFixture.netty().gracePeriod("300ms").service(new Recorder()).start();
		RecordingObserver<EchoResponse> result = new RecordingObserver<>();
		StreamObserver<EchoRequest> upload = this.fixture.client(UploadClient.class).upload(result);
		upload.onNext(request("chunk", 1));
		await().atMost(Duration.ofSeconds(10)).until(() -> this.seen.size() == 1);
		StreamDrain.Result drained = this.fixture.streams().drain();
		assertThat(drained.count(EndReason.SHUTDOWN_CANCELLED)).isEqualTo(1);
		assertThat(result.awaitStatus().getCode()).isEqualTo(Status.Code.CANCELLED);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.seen.contains("cancel"));
		assertThat(this.seen).containsExactly("chunk", "cancel");
	}

	@Test
	void underTheCancelPolicyABidiStreamIsNeverHalfClosedByTheDrain() {
		this.fixture = ClientFixture.netty()
			.gracePeriod("300ms")
			.drainPolicy(DrainPolicy.CANCEL)
			.service(new Recorder())
			.start();
		BidiStream<EchoRequest, EchoResponse> stream = this.fixture.client(ChatClient.class).chat();
		stream.send(request("work", 1));
		assertThat(stream.receive()).isEqualTo(response("work", 1));
		StreamDrain.Result result = this.fixture.streams().drain();
		assertThat(result.count(EndReason.SHUTDOWN_CANCELLED)).isEqualTo(1);
		assertThatThrownBy(stream::receive).isInstanceOfSatisfying(StatusRuntimeException.class,
				(ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.CANCELLED));
		await().atMost(Duration.ofSeconds(10)).until(() -> this.seen.contains("cancel"));
		assertThat(this.seen).containsExactly("work", "cancel");
	}

	@Test
	void aMethodsDrainPolicyOverridesItsChannels() {
		this.fixture = ClientFixture.netty().gracePeriod("300ms").service(new Recorder()).start();
		BidiStream<EchoRequest, EchoResponse> stream = this.fixture.client(UploadClient.class).cancelOnDrain();
		stream.send(request("work", 1));
		assertThat(stream.receive()).isEqualTo(response("work", 1));
		assertThat(this.fixture.streams().drain().count(EndReason.SHUTDOWN_CANCELLED)).isEqualTo(1);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.seen.contains("cancel"));
		assertThat(this.seen).doesNotContain("half-close");
	}

	@Test
	void underTheDefaultPolicyABidiStreamIsHalfClosedAndTheServerFinishes() {
		this.fixture = ClientFixture.netty().gracePeriod("10s").service(new Recorder()).start();
		BidiStream<EchoRequest, EchoResponse> stream = this.fixture.client(ChatClient.class).chat();
		stream.send(request("work", 1));
		assertThat(stream.receive()).isEqualTo(response("work", 1));
		assertThat(this.fixture.streams().drain().count(EndReason.SHUTDOWN_DRAINED)).isEqualTo(1);
		assertThat(stream.receive()).isEqualTo(response("total", 1));
		assertThat(stream.receive()).isNull();
		// The server completed the conversation: it takes no more messages.
		assertThatThrownBy(() -> stream.send(request("late"))).isInstanceOfSatisfying(StatusRuntimeException.class,
				(ex) -> assertThat(ex.getStatus().isOk()).isTrue());
	}

	@Test
	void aDrainActionRegisteredAfterTheNoticeRunsAtOnce() {
		this.fixture = ClientFixture.netty().gracePeriod("10s").service(new Recorder()).start();
		BidiStream<EchoRequest, EchoResponse> stream = this.fixture.client(ChatClient.class).chat();
		stream.onDrain(() -> {
		});
		stream.send(request("work", 1));
		assertThat(stream.receive()).isEqualTo(response("work", 1));
		Thread drain = new Thread(() -> this.fixture.streams().drain());
		drain.start();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.fixture.streams().isShuttingDown());
		stream.onDrain(stream::closeSend);
		await().atMost(Duration.ofSeconds(10)).until(stream::isDone);
		assertThat(stream.status().isOk()).isTrue();
	}

	@TripleClient(channel = "chat", service = "triplestream.test.v1.EchoService")
	interface UploadClient {

		@TripleMethod(value = "Collect", type = MethodType.CLIENT_STREAMING)
		RequestObserver<EchoRequest> upload(StreamObserver<EchoResponse> result);

		@TripleMethod(value = "Chat", drainPolicy = DrainPolicy.CANCEL)
		BidiStream<EchoRequest, EchoResponse> cancelOnDrain();

	}

	/** Echoes Chat and counts Collect; on half-close answers with a total; records what it saw. */
	private final class Recorder extends EchoServiceGrpc.EchoServiceImplBase {

		@Override
		public StreamObserver<EchoRequest> chat(StreamObserver<EchoResponse> responses) {
			return observer(responses, true);
		}

		@Override
		public StreamObserver<EchoRequest> collect(StreamObserver<EchoResponse> response) {
			return observer(response, false);
		}

		private StreamObserver<EchoRequest> observer(StreamObserver<EchoResponse> responses, boolean echo) {
			return new StreamObserver<>() {

				private int count;

				@Override
				public void onNext(EchoRequest request) {
					ClientDrainNoticeTests.this.seen.add(request.getText());
					this.count++;
					if (echo) {
						responses.onNext(response(request.getText(), request.getSeq()));
					}
				}

				@Override
				public void onError(Throwable error) {
					ClientDrainNoticeTests.this.seen.add("cancel");
				}

				@Override
				public void onCompleted() {
					ClientDrainNoticeTests.this.seen.add("half-close");
					responses.onNext(response("total", this.count));
					responses.onCompleted();
				}

			};
		}

	}

}
