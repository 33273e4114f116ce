package dev.triplestream.benchmarks;

import io.grpc.Channel;
import io.grpc.stub.StreamObserver;

import dev.triplestream.benchmarks.v1.BenchServiceGrpc;
import dev.triplestream.benchmarks.v1.Ping;

/**
 * Opens streams in each {@link ClientStyle}: raw ones with grpc-java's generated stubs on the
 * plain channel, starter ones with the {@link BenchClient} proxy on the starter's channel.
 */
final class Clients {

	private final BenchServiceGrpc.BenchServiceStub rawAsync;

	private final BenchServiceGrpc.BenchServiceBlockingV2Stub rawBlocking;

	private final BenchClient starter;

	/**
	 * @param rawChannel the plain channel, or null when only starter styles are used
	 * @param starter the starter's client, or null when only raw styles are used
	 */
	Clients(Channel rawChannel, BenchClient starter) {
		this.rawAsync = (rawChannel != null) ? BenchServiceGrpc.newStub(rawChannel) : null;
		this.rawBlocking = (rawChannel != null) ? BenchServiceGrpc.newBlockingV2Stub(rawChannel) : null;
		this.starter = starter;
	}

	/** Opens an async stream; {@code style} must be one of the observer styles. */
	StreamObserver<Ping> openAsync(ClientStyle style, Rpc rpc, StreamObserver<Ping> responses) {
		return switch (style) {
			case RAW_OBSERVER -> switch (rpc) {
				case ECHO -> this.rawAsync.echo(responses);
				case HOLD -> this.rawAsync.hold(responses);
				case DOWNLOAD -> this.rawAsync.download(responses);
				case UPLOAD -> this.rawAsync.upload(responses);
			};
			case STARTER_OBSERVER -> switch (rpc) {
				case ECHO -> this.starter.echoAsync(responses);
				case HOLD -> this.starter.holdAsync(responses);
				case DOWNLOAD -> this.starter.downloadAsync(responses);
				case UPLOAD -> this.starter.uploadAsync(responses);
			};
			default -> throw new IllegalArgumentException(style + " is not an async style");
		};
	}

	/** Opens a blocking stream; {@code style} must be one of the blocking styles. */
	BlockingStream openBlocking(ClientStyle style, Rpc rpc) {
		return switch (style) {
			case RAW_BLOCKING -> new RawBlockingStream(switch (rpc) {
				case ECHO -> this.rawBlocking.echo();
				case HOLD -> this.rawBlocking.hold();
				case DOWNLOAD -> this.rawBlocking.download();
				case UPLOAD -> this.rawBlocking.upload();
			});
			case STARTER_BIDI -> new StarterBlockingStream(switch (rpc) {
				case ECHO -> this.starter.echo();
				case HOLD -> this.starter.hold();
				case DOWNLOAD -> this.starter.download();
				case UPLOAD -> this.starter.upload();
			});
			default -> throw new IllegalArgumentException(style + " is not a blocking style");
		};
	}

}
