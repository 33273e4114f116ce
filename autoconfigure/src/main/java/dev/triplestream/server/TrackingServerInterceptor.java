package dev.triplestream.server;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

import dev.triplestream.stream.StreamRegistry;

/**
 * The server's outermost interceptor: registers every call in the {@link StreamRegistry} as a
 * {@link TrackedServerCall} for as long as it lives, and hands the rest of the chain that call.
 */
final class TrackingServerInterceptor implements ServerInterceptor {

	private final StreamRegistry registry;

	TrackingServerInterceptor(StreamRegistry registry) {
		this.registry = registry;
	}

	@Override
	public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
			ServerCallHandler<Q, R> next) {
		TrackedServerCall<Q, R> tracked = new TrackedServerCall<>(call, this.registry);
		this.registry.add(tracked);
		try {
			return tracked.listener(next.startCall(tracked, headers));
		}
		catch (RuntimeException | Error ex) {
			// grpc-java closes the stream itself, without a listener to tell us: stop tracking here.
			tracked.untrack();
			throw ex;
		}
	}

}
