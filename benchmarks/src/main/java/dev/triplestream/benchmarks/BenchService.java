package dev.triplestream.benchmarks;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import com.google.protobuf.ByteString;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

import dev.triplestream.benchmarks.v1.BenchServiceGrpc;
import dev.triplestream.benchmarks.v1.Ping;

/**
 * The server every client style talks to: plain grpc-java handlers, identical for the raw and the
 * starter clients, so that any difference measured is the client's.
 */
final class BenchService extends BenchServiceGrpc.BenchServiceImplBase {

	/** Eight payload bytes: ten bytes on the wire with the field's tag and length. */
	static final Ping PING = Ping.newBuilder().setPayload(ByteString.copyFrom(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }))
		.build();

	/** How many messages one call of the download pump sends before letting other callbacks run. */
	private static final int PUMP_BATCH = 512;

	private final ServerProbes probes = new ServerProbes();

	private final LongAdder uploaded = new LongAdder();

	private final AtomicInteger open = new AtomicInteger();

	private final Executor executor;

	/** @param executor the server's call executor, on which the download pump continues */
	BenchService(Executor executor) {
		this.executor = executor;
	}

	ServerProbes probes() {
		return this.probes;
	}

	/** Messages received by all upload handlers so far. */
	long uploaded() {
		return this.uploaded.sum();
	}

	/** Handlers whose call has not ended yet. */
	int open() {
		return this.open.get();
	}

	@Override
	public StreamObserver<Ping> echo(StreamObserver<Ping> responses) {
		return new EchoHandler(cast(responses), true);
	}

	@Override
	public StreamObserver<Ping> hold(StreamObserver<Ping> responses) {
		return new EchoHandler(cast(responses), false);
	}

	@Override
	public StreamObserver<Ping> download(StreamObserver<Ping> responses) {
		return new DownloadHandler(cast(responses));
	}

	@Override
	public StreamObserver<Ping> upload(StreamObserver<Ping> responses) {
		return new UploadHandler(cast(responses));
	}

	private static ServerCallStreamObserver<Ping> cast(StreamObserver<Ping> responses) {
		return (ServerCallStreamObserver<Ping>) responses;
	}

	/** Counts the handler as open until its call ends one way or the other. */
	private abstract class Handler implements StreamObserver<Ping> {

		final ServerCallStreamObserver<Ping> responses;

		private final AtomicBoolean ended = new AtomicBoolean();

		volatile ServerProbes.Probe probe;

		Handler(ServerCallStreamObserver<Ping> responses) {
			this.responses = responses;
			BenchService.this.open.incrementAndGet();
			// Must be set before the service method returns.
			responses.setOnCancelHandler(this::cancelled);
		}

		void claimProbe(Ping message) {
			if (this.probe == null && message.getProbe() != 0) {
				this.probe = BenchService.this.probes.claim(message.getProbe());
			}
		}

		void cancelled() {
			ServerProbes.Probe current = this.probe;
			if (current != null) {
				current.cancelled().complete(System.nanoTime());
			}
			ended();
		}

		void halfClosed() {
			ServerProbes.Probe current = this.probe;
			if (current != null) {
				current.halfClosed().complete(System.nanoTime());
			}
		}

		void complete() {
			this.responses.onCompleted();
			ended();
		}

		private void ended() {
			if (this.ended.compareAndSet(false, true)) {
				BenchService.this.open.decrementAndGet();
			}
		}

		@Override
		public void onError(Throwable error) {
			// The cancel handler has accounted for it.
		}

	}

	private final class EchoHandler extends Handler {

		private final boolean completeOnHalfClose;

		EchoHandler(ServerCallStreamObserver<Ping> responses, boolean completeOnHalfClose) {
			super(responses);
			this.completeOnHalfClose = completeOnHalfClose;
		}

		@Override
		public void onNext(Ping message) {
			claimProbe(message);
			this.responses.onNext(message);
		}

		@Override
		public void onCompleted() {
			halfClosed();
			if (this.completeOnHalfClose) {
				complete();
			}
		}

	}

	/**
	 * Sends while the transport is ready. The pump and the call's callbacks share one lock,
	 * because a long pump continues on the executor rather than hold the call's serialised
	 * callbacks (the client's half-close among them) hostage.
	 */
	private final class DownloadHandler extends Handler {

		private boolean started;

		private boolean stopped;

		private boolean pumpScheduled;

		DownloadHandler(ServerCallStreamObserver<Ping> responses) {
			super(responses);
			responses.setOnReadyHandler(this::pump);
		}

		@Override
		public void onNext(Ping message) {
			synchronized (this) {
				this.started = true;
			}
			pump();
		}

		@Override
		public void onCompleted() {
			synchronized (this) {
				if (this.stopped) {
					return;
				}
				this.stopped = true;
				complete();
			}
		}

		@Override
		void cancelled() {
			synchronized (this) {
				this.stopped = true;
			}
			super.cancelled();
		}

		private void pump() {
			synchronized (this) {
				this.pumpScheduled = false;
				if (!this.started || this.stopped) {
					return;
				}
				int sent = 0;
				while (this.responses.isReady()) {
					if (sent++ == PUMP_BATCH) {
						if (!this.pumpScheduled) {
							this.pumpScheduled = true;
							BenchService.this.executor.execute(this::pump);
						}
						return;
					}
					this.responses.onNext(PING);
				}
			}
		}

	}

	private final class UploadHandler extends Handler {

		UploadHandler(ServerCallStreamObserver<Ping> responses) {
			super(responses);
		}

		@Override
		public void onNext(Ping message) {
			BenchService.this.uploaded.increment();
		}

		@Override
		public void onCompleted() {
			complete();
		}

	}

}
