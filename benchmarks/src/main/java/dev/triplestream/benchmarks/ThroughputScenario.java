package dev.triplestream.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;

import dev.triplestream.benchmarks.v1.Ping;

/**
 * Scenario 2: messages per second one way, over 1 and 64 concurrent bidi streams, in both
 * directions. Flow control is respected on both ends: the server's download pump and the async
 * client's upload pump send only while {@code isReady()}, the blocking clients' sends wait for
 * readiness, and the receivers request as they consume. Download is counted where it arrives (the
 * client), upload where it arrives (the server).
 * <p>
 * Each round ends by cancelling its streams. A polite end would first deliver what flow control
 * had already let through, up to a megabyte of ten-byte messages per stream: seconds of work that
 * measure nothing.
 */
final class ThroughputScenario implements Scenario {

	static final String NAME = "throughput";

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

	/** From the issue: the starter within 3% of raw grpc-java's rate. */
	static final Target TARGET = Target.ratioAtLeast(0.97);

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public void run(Bench bench, Results results) throws Exception {
		BenchOptions options = bench.options();
		List<Contender> contenders = Contender.all(bench);
		for (Direction direction : Direction.values()) {
			for (int streams : options.flowStreams()) {
				String flow = direction.label + ", " + streams + ((streams == 1) ? " stream" : " streams");
				Rounds.Figures figures = Rounds.interleaved(bench, NAME + ": " + flow, contenders,
						options.flowWarmupRounds(), options.flowRounds(),
						(contender) -> measure(bench, contender, direction, streams));
				Contender raw = Contender.of(contenders, ClientStyle.RAW_OBSERVER);
				Contender controlContender = Contender.control(contenders);
				Map<Contender, List<Double>> rates = figures.rates();
				Map<Contender, List<Double>> cpu = figures.cpuPerItem();
				PairedRatios control = PairedRatios.of(rates.get(raw), rates.get(controlContender));
				PairedRatios cpuControl = PairedRatios.of(cpu.get(raw), cpu.get(controlContender));
				for (ClientStyle.Family family : ClientStyle.Family.values()) {
					Contender familyRaw = Contender.of(contenders, family.raw());
					Contender starter = Contender.of(contenders, family.starter());
					add(bench, results, Rounds.row(NAME, flow + ", " + family.label(), "msg/s", rates.get(familyRaw),
							rates.get(starter), "starter", TARGET, control));
					add(bench, results, Rounds.cpuRow(NAME, flow + ", " + family.label(), "message", cpu.get(familyRaw),
							cpu.get(starter), "starter", cpuControl));
				}
				String subject = flow + ", " + Contender.CONTROL_SUBJECT;
				add(bench, results, Rounds.row(NAME, subject, "msg/s", rates.get(raw), rates.get(controlContender),
						"control", null, null));
				add(bench, results, Rounds.cpuRow(NAME, subject, "message", cpu.get(raw), cpu.get(controlContender),
						"control", null));
			}
		}
	}

	private static void add(Bench bench, Results results, Results.Row row) {
		bench.log("throughput: %s: %s: raw %.0f, other %.0f %s, pairwise ratio %.3f (%s)%s", row.subject(),
				row.metric(), row.raw(), row.starter(), row.unit(), row.ratio(), row.ratios().describe(),
				(row.verdict() != null) ? ", " + row.verdict() : "");
		results.add(row);
	}

	/** Runs one contender for one round; returns {messages, nanos, CPU nanos} of the measurement window. */
	private static long[] measure(Bench bench, Contender contender, Direction direction, int streams)
			throws Exception {
		BenchOptions options = bench.options();
		Flow flow = contender.style().isAsync() ? new AsyncFlow(bench, contender, direction, streams)
				: new BlockingFlow(bench, contender, direction, streams);
		long messages;
		long nanos;
		long cpu;
		try {
			long initial = flow.delivered();
			Thread.sleep(options.flowSettle().toMillis());
			// The window opens once messages flow: the first round of a cold JVM can take a while.
			long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
			while (flow.delivered() == initial && System.nanoTime() - deadline < 0) {
				Thread.sleep(5);
			}
			long startCount = flow.delivered();
			ThreadCpu.Snapshot startCpu = ThreadCpu.now();
			long start = System.nanoTime();
			Thread.sleep(options.flowMeasure().toMillis());
			long endCount = flow.delivered();
			long end = System.nanoTime();
			ThreadCpu.Snapshot endCpu = ThreadCpu.now();
			messages = endCount - startCount;
			nanos = end - start;
			cpu = endCpu.nanosSince(startCpu);
		}
		finally {
			long stopping = System.nanoTime();
			flow.stop();
			bench.awaitQuiet(STOP_TIMEOUT);
			long stopped = System.nanoTime() - stopping;
			if (stopped > TimeUnit.SECONDS.toNanos(1)) {
				bench.log("throughput: %s, %s, %d stream(s): ending the streams took %dms", contender.label(),
						direction.label, streams, TimeUnit.NANOSECONDS.toMillis(stopped));
			}
		}
		return new long[] { messages, nanos, cpu };
	}

	private static void expectCancelled(Status status) {
		if (status.getCode() != Status.Code.CANCELLED) {
			throw new IllegalStateException("expected the stream to end CANCELLED, it ended " + status);
		}
	}

	enum Direction {

		DOWNLOAD("server to client", Rpc.DOWNLOAD),

		UPLOAD("client to server", Rpc.UPLOAD);

		private final String label;

		private final Rpc rpc;

		Direction(String label, Rpc rpc) {
			this.label = label;
			this.rpc = rpc;
		}

	}

	/** The streams of one round. */
	private interface Flow {

		/** Messages delivered to their receiver so far. */
		long delivered();

		/** Cancels every stream and waits until each has ended. */
		void stop() throws Exception;

	}

	private static final class AsyncFlow implements Flow {

		private final List<Pump> pumps = new ArrayList<>();

		private final LongAdder received = new LongAdder();

		private final LongSupplier delivered;

		AsyncFlow(Bench bench, Contender contender, Direction direction, int streams) {
			BenchService service = bench.loopback().service();
			this.delivered = (direction == Direction.UPLOAD) ? service::uploaded : this.received::sum;
			for (int i = 0; i < streams; i++) {
				Pump pump = new Pump(direction == Direction.UPLOAD, this.received);
				StreamObserver<Ping> requests = contender.clients().openAsync(contender.style(), direction.rpc, pump);
				if (direction == Direction.DOWNLOAD) {
					requests.onNext(BenchService.PING);
				}
				this.pumps.add(pump);
			}
		}

		@Override
		public long delivered() {
			return this.delivered.getAsLong();
		}

		@Override
		public void stop() throws Exception {
			for (Pump pump : this.pumps) {
				pump.stop();
			}
			for (Pump pump : this.pumps) {
				expectCancelled(pump.end.get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS));
			}
		}

	}

	/**
	 * One async stream: uploads while the transport is ready, or counts what it receives. The
	 * pump and the final cancel share a lock, because a request observer takes one thread at a
	 * time.
	 */
	private static final class Pump implements ClientResponseObserver<Ping, Ping> {

		private final boolean upload;

		private final LongAdder received;

		final CompletableFuture<Status> end = new CompletableFuture<>();

		private ClientCallStreamObserver<Ping> requests;

		private volatile boolean stopping;

		private boolean completed;

		Pump(boolean upload, LongAdder received) {
			this.upload = upload;
			this.received = received;
		}

		@Override
		public void beforeStart(ClientCallStreamObserver<Ping> requestStream) {
			this.requests = requestStream;
			if (this.upload) {
				requestStream.setOnReadyHandler(this::pump);
			}
		}

		private synchronized void pump() {
			if (this.completed) {
				return;
			}
			while (this.upload && !this.stopping && this.requests.isReady()) {
				this.requests.onNext(BenchService.PING);
			}
			if (this.stopping) {
				this.completed = true;
				this.requests.cancel("end of the measurement", null);
			}
		}

		void stop() {
			this.stopping = true;
			pump();
		}

		@Override
		public void onNext(Ping value) {
			this.received.increment();
		}

		@Override
		public void onError(Throwable error) {
			this.end.complete(Status.fromThrowable(error));
		}

		@Override
		public void onCompleted() {
			this.end.complete(Status.OK);
		}

	}

	/** One thread per stream, sending or receiving until told to stop. */
	private static final class BlockingFlow implements Flow {

		private final List<Thread> threads = new ArrayList<>();

		private final LongAdder received = new LongAdder();

		private final LongSupplier delivered;

		private final AtomicReference<Throwable> failure = new AtomicReference<>();

		private volatile boolean stopping;

		BlockingFlow(Bench bench, Contender contender, Direction direction, int streams) {
			BenchService service = bench.loopback().service();
			this.delivered = (direction == Direction.UPLOAD) ? service::uploaded : this.received::sum;
			for (int i = 0; i < streams; i++) {
				BlockingStream stream = contender.clients().openBlocking(contender.style(), direction.rpc);
				Runnable loop = (direction == Direction.UPLOAD) ? () -> upload(stream) : () -> download(stream);
				Thread thread = new Thread(() -> {
					try {
						loop.run();
					}
					catch (Throwable ex) {
						this.failure.compareAndSet(null, ex);
					}
				}, "bench-flow-" + i);
				thread.setDaemon(true);
				this.threads.add(thread);
			}
			this.threads.forEach(Thread::start);
		}

		private void upload(BlockingStream stream) {
			while (!this.stopping) {
				stream.send(BenchService.PING);
			}
			stream.cancel("end of the measurement");
			expectCancelled(stream.awaitEnd());
		}

		private void download(BlockingStream stream) {
			stream.send(BenchService.PING);
			while (!this.stopping) {
				if (stream.receive() == null) {
					throw new IllegalStateException("the download ended before the client stopped it");
				}
				this.received.increment();
			}
			stream.cancel("end of the measurement");
			expectCancelled(stream.awaitEnd());
		}

		@Override
		public long delivered() {
			return this.delivered.getAsLong();
		}

		@Override
		public void stop() throws Exception {
			this.stopping = true;
			long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
			for (Thread thread : this.threads) {
				thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
				if (thread.isAlive()) {
					throw new IllegalStateException(thread.getName() + " did not stop within " + STOP_TIMEOUT);
				}
			}
			Throwable error = this.failure.get();
			if (error != null) {
				throw new IllegalStateException("a stream failed", error);
			}
		}

	}

}
