package dev.triplestream.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;

import dev.triplestream.benchmarks.v1.Ping;
import dev.triplestream.stream.StreamSide;

/**
 * Scenario 6: many concurrent idle bidi streams in one JVM. The heap retained per stream is taken
 * from {@link MemoryMXBean} after forced collections, before opening and with every stream open
 * and established (one message each way). Client and server share the JVM, so the per-stream
 * figure holds both ends; the server is the same for raw and starter, so the difference is the
 * starter's client-side cost. Netty's direct buffers are off-heap and not counted. Afterwards
 * every stream is half-closed, the server completes, and the starter's registry must be empty.
 */
final class ScaleScenario implements Scenario {

	static final String NAME = "scale";

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	/** Raw and starter alternate so that a drift of the heap baseline hits both. */
	private static final List<ClientStyle> ORDER = List.of(ClientStyle.RAW_OBSERVER, ClientStyle.STARTER_OBSERVER,
			ClientStyle.RAW_BLOCKING, ClientStyle.STARTER_BIDI);

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public void run(Bench bench, Results results) throws Exception {
		int count = bench.options().scaleStreams();
		int warmup = Math.min(count, 1000);
		for (ClientStyle style : ORDER) {
			new OpenStreams(bench, style, warmup).open().closeAll();
		}
		bench.awaitQuiet(TIMEOUT);
		Map<ClientStyle, Measurement> measured = new EnumMap<>(ClientStyle.class);
		for (ClientStyle style : ORDER) {
			Measurement measurement = measure(bench, style, count);
			measured.put(style, measurement);
			bench.log("scale: %s, %d streams: %.0f bytes/stream retained, %.0f bytes/stream left after close,"
					+ " registry %d open -> %d", style.label(), count, measurement.perStream, measurement.leftPerStream,
					measurement.registryOpen, measurement.registryAfter);
		}
		for (ClientStyle.Family family : ClientStyle.Family.values()) {
			Measurement raw = measured.get(family.raw());
			Measurement starter = measured.get(family.starter());
			results.add(new Results.Row(NAME, count + " idle streams (client + server heap), " + family.label(),
					"heap per stream", "bytes", raw.perStream, starter.perStream,
					Target.extraBelow(1024, "starter - raw < 1024 bytes"),
					String.format(Locale.ROOT,
							"starter adds %.0f bytes/stream; left after closing all: raw %.0f, starter %.0f bytes/stream",
							starter.perStream - raw.perStream, raw.leftPerStream, starter.leftPerStream)));
		}
		for (ClientStyle.Family family : ClientStyle.Family.values()) {
			Measurement starter = measured.get(family.starter());
			results.add(new Results.Row(NAME, "registry after opening and closing " + count + " streams, "
					+ family.label(), "open streams", "streams", null, (double) starter.registryAfter,
					new Target("registry empty", (row) -> row.starter() != null && row.starter() == 0),
					"registry held " + starter.registryOpen + " while open"));
		}
	}

	private static Measurement measure(Bench bench, ClientStyle style, int count) throws Exception {
		bench.awaitQuiet(TIMEOUT);
		long before = settledHeap();
		OpenStreams streams = new OpenStreams(bench, style, count).open();
		int serverOpen = bench.loopback().service().open();
		if (serverOpen != count) {
			throw new IllegalStateException(serverOpen + " server handlers open, expected " + count);
		}
		int registryOpen = bench.starter().registry().count(StreamSide.CLIENT);
		long open = settledHeap();
		streams.closeAll();
		bench.starter().registry().awaitEmpty(StreamSide.CLIENT, TIMEOUT);
		int registryAfter = bench.starter().registry().count(StreamSide.CLIENT);
		bench.loopback().awaitServerIdle(TIMEOUT);
		streams = null;
		long after = settledHeap();
		return new Measurement((open - before) / (double) count, (after - before) / (double) count, registryOpen,
				registryAfter);
	}

	/** Used heap after forced full collections: the least of a few readings. */
	static long settledHeap() throws InterruptedException {
		MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
		long least = Long.MAX_VALUE;
		for (int i = 0; i < 4; i++) {
			memory.gc();
			Thread.sleep(50);
			least = Math.min(least, memory.getHeapMemoryUsage().getUsed());
		}
		return least;
	}

	private record Measurement(double perStream, double leftPerStream, int registryOpen, int registryAfter) {

	}

	/** Streams of one style, open and established, held until {@link #closeAll()}. */
	private static final class OpenStreams {

		private final Bench bench;

		private final ClientStyle style;

		private final int count;

		private final List<StreamObserver<Ping>> requests = new ArrayList<>();

		private final List<Exchange> exchanges = new ArrayList<>();

		private final List<BlockingStream> blockingStreams = new ArrayList<>();

		OpenStreams(Bench bench, ClientStyle style, int count) {
			this.bench = bench;
			this.style = style;
			this.count = count;
		}

		OpenStreams open() throws Exception {
			Clients clients = this.bench.clients();
			if (this.style.isAsync()) {
				for (int i = 0; i < this.count; i++) {
					Exchange exchange = new Exchange();
					StreamObserver<Ping> stream = clients.openAsync(this.style, Rpc.ECHO, exchange);
					stream.onNext(BenchService.PING);
					this.requests.add(stream);
					this.exchanges.add(exchange);
				}
				for (Exchange exchange : this.exchanges) {
					exchange.first.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
				}
			}
			else {
				for (int i = 0; i < this.count; i++) {
					BlockingStream stream = clients.openBlocking(this.style, Rpc.ECHO);
					stream.send(BenchService.PING);
					this.blockingStreams.add(stream);
				}
				for (BlockingStream stream : this.blockingStreams) {
					if (stream.receive() == null) {
						throw new IllegalStateException("an echo stream ended without echoing");
					}
				}
			}
			return this;
		}

		/** Half-closes every stream and waits for the server's OK. */
		void closeAll() throws Exception {
			for (StreamObserver<Ping> stream : this.requests) {
				stream.onCompleted();
			}
			for (Exchange exchange : this.exchanges) {
				expectOk(exchange.end.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
			}
			for (BlockingStream stream : this.blockingStreams) {
				stream.halfClose();
			}
			for (BlockingStream stream : this.blockingStreams) {
				expectOk(stream.awaitEnd());
			}
		}

		private static void expectOk(Status status) {
			if (!status.isOk()) {
				throw status.asRuntimeException();
			}
		}

	}

}
