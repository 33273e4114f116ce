package dev.triplestream.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

import dev.triplestream.stream.StreamRegistry;

/**
 * The server's outermost interceptor: registers every call in the {@link StreamRegistry} as a
 * {@link TrackedServerCall} for as long as it lives, hands the rest of the chain that call with its
 * {@link ServerStreamContext} in the gRPC context, starts the call's idle and max-age checks, and
 * refuses streams over the server's limit. One instance serves every transport of a server, so the
 * limit and the drain cover them all.
 */
final class TrackingServerInterceptor implements ServerInterceptor {

	/** The property that sets {@link #maxConcurrentStreams}, named in refusals. */
	static final String MAX_CONCURRENT_PROPERTY = "triple.server.streams.max-concurrent";

	private static final ServerCall.Listener<Object> REFUSED = new ServerCall.Listener<>() {
	};

	private final StreamRegistry registry;

	private final Map<String, ServerStreamLimits> limits;

	private final ServerStreamLimits noLimits;

	private final Duration maxAgeGrace;

	private final int maxConcurrentStreams;

	private final ScheduledExecutorService timer;

	private final Executor drainExecutor;

	/** This server's open calls, for the drain notice (the registry may be shared). */
	private final Set<TrackedServerCall<?, ?>> calls = ConcurrentHashMap.newKeySet();

	/** Streaming calls holding one of the {@link #maxConcurrentStreams} places. */
	private final AtomicInteger streams = new AtomicInteger();

	private volatile boolean draining;

	/**
	 * @param limits the limits of each streaming method, by full method name: both set (possibly to
	 * no limit); a method not in the map has {@code noLimits}, as have unary calls
	 * @param maxConcurrentStreams how many streaming calls may be open at once; 0 for no limit
	 */
	TrackingServerInterceptor(StreamRegistry registry, Map<String, ServerStreamLimits> limits,
			ServerStreamLimits noLimits, Duration maxAgeGrace, int maxConcurrentStreams,
			ScheduledExecutorService timer, Executor drainExecutor) {
		this.registry = registry;
		this.limits = Map.copyOf(limits);
		this.noLimits = noLimits;
		this.maxAgeGrace = maxAgeGrace;
		this.maxConcurrentStreams = maxConcurrentStreams;
		this.timer = timer;
		this.drainExecutor = drainExecutor;
	}

	@Override
	@SuppressWarnings("unchecked")
	public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
			ServerCallHandler<Q, R> next) {
		MethodDescriptor<Q, R> method = call.getMethodDescriptor();
		boolean streaming = method.getType() != MethodDescriptor.MethodType.UNARY;
		boolean holdsPlace = streaming && this.maxConcurrentStreams > 0;
		if (holdsPlace && !takePlace()) {
			call.close(Status.RESOURCE_EXHAUSTED.withDescription("too many open streams: this server allows "
					+ this.maxConcurrentStreams + " at once (" + MAX_CONCURRENT_PROPERTY + ")"), new Metadata());
			return (ServerCall.Listener<Q>) REFUSED;
		}
		ServerStreamLimits callLimits = streaming
				? this.limits.getOrDefault(method.getFullMethodName(), this.noLimits) : this.noLimits;
		TrackedServerCall<Q, R> tracked = new TrackedServerCall<>(call, this.registry, callLimits,
				this.drainExecutor, (ended) -> ended(ended, holdsPlace));
		this.registry.add(tracked);
		this.calls.add(tracked);
		if (this.draining) {
			// Started while the drain was giving its notices: it may have missed this one.
			tracked.halfClose();
		}
		tracked.startTimers(this.timer, this.maxAgeGrace);
		try {
			Context context = tracked.context().attachTo(Context.current());
			return tracked.listener(Contexts.interceptCall(context, tracked, headers, next));
		}
		catch (RuntimeException | Error ex) {
			// grpc-java closes the stream itself, without a listener to tell us: stop tracking here.
			tracked.untrack();
			throw ex;
		}
	}

	private boolean takePlace() {
		while (true) {
			int open = this.streams.get();
			if (open >= this.maxConcurrentStreams) {
				return false;
			}
			if (this.streams.compareAndSet(open, open + 1)) {
				return true;
			}
		}
	}

	private void ended(TrackedServerCall<?, ?> call, boolean heldPlace) {
		this.calls.remove(call);
		if (heldPlace) {
			this.streams.decrementAndGet();
		}
	}

	/** Gives every open call, and every call that starts from now on, its drain notice. */
	void drain() {
		this.draining = true;
		for (TrackedServerCall<?, ?> call : new ArrayList<>(this.calls)) {
			call.halfClose();
		}
	}

	/** This server's open calls. */
	List<TrackedServerCall<?, ?>> calls() {
		return new ArrayList<>(this.calls);
	}

}
