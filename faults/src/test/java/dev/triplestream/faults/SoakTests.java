package dev.triplestream.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.context.ConfigurableApplicationContext;

import dev.triplestream.client.BidiStream;
import dev.triplestream.client.TripleChannels;
import dev.triplestream.sample.ChatClient;
import dev.triplestream.sample.chat.v1.ChatMessage;
import dev.triplestream.sample.chat.v1.ChatServiceGrpc;
import dev.triplestream.sample.chat.v1.Tick;
import dev.triplestream.sample.chat.v1.TickRequest;
import dev.triplestream.stream.StreamRegistry;
import dev.triplestream.stream.StreamSide;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sixteen threads open and end streams against the sample's services for {@code soak.duration}
 * (45s in every build, ten minutes with {@code -Psoak}): half-closed chats, cancels, closes without
 * a half-close, deadlines, and the server's own behaviours (an error status, an immediate OK, its
 * idle timeout, its max age). Every outcome must be the expected one; at the end both registries
 * are empty, and threads, heap after GC and direct memory have not grown.
 */
class SoakTests {

	private static final int THREADS = 16;

	private static final String TICKS_MAX_AGE = "--triple.server.streams.services[triplestream.sample.chat.v1.ChatService/Ticks].max-age=3s";

	@Test
	@Timeout(value = 30, unit = TimeUnit.MINUTES)
	void sixteenThreadsOfRandomStreamsLeaveNothingBehind() throws Exception {
		Duration duration = DurationStyle.detectAndParse(System.getProperty("soak.duration", "45s"));
		Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
		List<String> unexpected = java.util.Collections.synchronizedList(new ArrayList<>());
		try (SampleServer server = SampleServer.start("--triple.server.streams.idle-timeout=2s", TICKS_MAX_AGE,
				"--triple.server.streams.max-age-grace=1s");
				ConfigurableApplicationContext client = FaultClientApplication
					.start("triple.client.channels.chat.target=127.0.0.1:" + server.port())) {
			ChatClient chat = client.getBean(ChatClient.class);
			ChatServiceGrpc.ChatServiceStub stub = ChatServiceGrpc.newStub(client.getBean(TripleChannels.class).get("chat"));
			StreamRegistry clientRegistry = client.getBean(StreamRegistry.class);
			long end = System.nanoTime() + duration.toNanos();
			ExecutorService workers = Executors.newFixedThreadPool(THREADS);
			List<Future<?>> running = new ArrayList<>();
			for (int i = 0; i < THREADS; i++) {
				running.add(workers.submit(() -> {
					while (System.nanoTime() < end) {
						String outcome;
						try {
							outcome = randomStream(chat, stub);
						}
						catch (Throwable ex) {
							outcome = "unexpected";
							unexpected.add(ex.toString());
						}
						outcomes.computeIfAbsent(outcome, (key) -> new LongAdder()).increment();
					}
				}));
			}
			Thread.sleep(Math.min(10_000, duration.toMillis() / 10)); // warm the pools before the first figures
			JvmFigures start = JvmFigures.now();
			System.out.printf("[soak] %s of 16 threads; start:  %s%n", duration, start);
			Thread.sleep(Math.max(0, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime()) / 2));
			JvmFigures middle = JvmFigures.now();
			System.out.printf("[soak] middle: %s, outcomes so far %s%n", middle, outcomes);
			for (Future<?> worker : running) {
				worker.get(duration.toMillis() + 60_000, TimeUnit.MILLISECONDS);
			}
			workers.shutdown();
			boolean clientEmpty = clientRegistry.awaitEmpty(StreamSide.CLIENT, Duration.ofSeconds(30));
			boolean serverEmpty = server.registry().awaitEmpty(StreamSide.SERVER, Duration.ofSeconds(30));
			JvmFigures last = JvmFigures.now();
			System.out.printf("[soak] end:    %s%n[soak] outcomes: %s%n", last, outcomes);

			assertThat(unexpected).as("unexpected outcomes").isEmpty();
			assertThat(clientEmpty).as("client registry empty: %s", clientRegistry.streams(StreamSide.CLIENT)).isTrue();
			assertThat(serverEmpty).as("server registry empty: %s", server.registry().streams(StreamSide.SERVER)).isTrue();
			JvmFigures before = (start.heapAfterGc() > middle.heapAfterGc()) ? start : middle;
			assertThat(last.threads()).as("threads").isLessThanOrEqualTo(Math.max(start.threads(), middle.threads()) + 4);
			assertThat(last.heapAfterGc()).as("heap after GC").isLessThan(before.heapAfterGc() + 16L * 1024 * 1024);
			assertThat(last.directBuffers() + last.nettyDirect()).as("direct memory")
				.isLessThanOrEqualTo(Math.max(start.directBuffers() + start.nettyDirect(),
						middle.directBuffers() + middle.nettyDirect()) + 16L * 1024 * 1024);
		}
	}

	/** One stream of a random kind, ended in a random way; returns what happened, or throws if unexpected. */
	private static String randomStream(ChatClient chat, ChatServiceGrpc.ChatServiceStub stub) throws Exception {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		int kind = random.nextInt(100);
		int count = 1 + random.nextInt(20);
		if (kind < 25) {
			try (BidiStream<ChatMessage, ChatMessage> stream = chat.chat()) {
				send(stream, count);
				stream.closeSend();
				for (int i = 1; i <= count; i++) {
					expect(stream.receive().getSeq() == i, "echo " + i);
				}
				ChatMessage bye = stream.receive();
				expect(bye.getText().equals("bye") && bye.getSeq() == count, "bye " + count + ", got " + bye);
				expect(stream.receive() == null, "OK after bye");
			}
			return "chat-half-closed";
		}
		if (kind < 40) {
			BidiStream<ChatMessage, ChatMessage> stream = chat.chat();
			send(stream, count);
			stream.receive();
			stream.cancel("soak cancel");
			expect(stream.status().getCode() == Status.Code.CANCELLED, "cancelled");
			return "chat-cancelled";
		}
		if (kind < 50) {
			BidiStream<ChatMessage, ChatMessage> stream = chat.chat();
			send(stream, count);
			stream.close(); // half-closes for us, lets the server finish
			return "chat-closed";
		}
		if (kind < 65) {
			BidiStream<TickRequest, Tick> stream = chat.ticks();
			stream.send(TickRequest.newBuilder().setIntervalMs(5).build());
			for (int i = 0; i < 1 + count / 5; i++) {
				expect(stream.receive() != null, "a tick");
			}
			stream.cancel("soak cancel");
			return "ticks-cancelled";
		}
		if (kind < 80) {
			return deadline(stub, 50 + random.nextInt(300));
		}
		if (kind < 88) {
			try (BidiStream<TickRequest, Tick> stream = chat.ticks()) {
				stream.send(TickRequest.newBuilder().setIntervalMs(0).build());
				stream.receive();
				throw new AssertionError("interval 0 accepted");
			}
			catch (StatusRuntimeException ex) {
				expect(ex.getStatus().getCode() == Status.Code.INVALID_ARGUMENT, "INVALID_ARGUMENT, got " + ex.getStatus());
				return "ticks-server-error";
			}
		}
		if (kind < 96) {
			try (BidiStream<TickRequest, Tick> stream = chat.ticks()) {
				stream.closeSend();
				expect(stream.receive() == null, "OK at once");
			}
			return "ticks-empty-ok";
		}
		if (kind < 98) {
			try (BidiStream<ChatMessage, ChatMessage> stream = chat.chat()) {
				send(stream, 1);
				stream.receive();
				stream.receive(); // nothing more comes: the server's idle timeout ends it
				throw new AssertionError("idle stream not ended");
			}
			catch (StatusRuntimeException ex) {
				expect(ex.getStatus().getCode() == Status.Code.DEADLINE_EXCEEDED, "server idle timeout, got " + ex.getStatus());
				return "chat-server-idle-timeout";
			}
		}
		try (BidiStream<TickRequest, Tick> stream = chat.ticks()) {
			stream.send(TickRequest.newBuilder().setIntervalMs(50).build());
			while (stream.receive() != null) {
				// the server's max age drains it: a last tick, then OK
			}
		}
		return "ticks-server-max-age";
	}

	private static void send(BidiStream<ChatMessage, ChatMessage> stream, int count) {
		for (int i = 1; i <= count; i++) {
			stream.send(ChatMessage.newBuilder().setSeq(i).setText("soak").build());
		}
	}

	/** A generated async stub on the starter's channel, with a per-call deadline. */
	private static String deadline(ChatServiceGrpc.ChatServiceStub stub, int millis) throws InterruptedException {
		CountDownLatch ended = new CountDownLatch(1);
		AtomicReference<Status> status = new AtomicReference<>();
		StreamObserver<TickRequest> requests = stub.withDeadlineAfter(millis, TimeUnit.MILLISECONDS)
			.ticks(new StreamObserver<>() {

				@Override
				public void onNext(Tick tick) {
				}

				@Override
				public void onError(Throwable t) {
					status.set(Status.fromThrowable(t));
					ended.countDown();
				}

				@Override
				public void onCompleted() {
					status.set(Status.OK);
					ended.countDown();
				}

			});
		requests.onNext(TickRequest.newBuilder().setIntervalMs(10).build());
		expect(ended.await(30, TimeUnit.SECONDS), "deadline stream ended");
		expect(status.get().getCode() == Status.Code.DEADLINE_EXCEEDED, "DEADLINE_EXCEEDED, got " + status.get());
		return "ticks-deadline";
	}

	private static void expect(boolean condition, String what) {
		if (!condition) {
			throw new AssertionError("expected " + what);
		}
	}

}
