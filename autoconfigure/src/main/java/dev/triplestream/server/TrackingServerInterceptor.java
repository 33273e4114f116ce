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

import dev.triplestream.client.TimeoutSetting;
import dev.triplestream.stream.EndReason;
import dev.triplestream.stream.StreamLifecycle;
import dev.triplestream.stream.StreamRegistry;

/**
 * The server's outermost interceptor: registers every call in the {@link StreamRegistry} as a
 * {@link TrackedServerCall} for as long as it lives, hands the rest of the chain that call with its
 * {@link ServerStreamContext} in the gRPC context, starts the call's idle and max-age clocks, and
 * refuses streams over the server's limit (refused streams are registered and ended at once, so
 * that they are counted). One instance serves every transport of a server, so the limit and the
 * drain cover them all; it knows its own server's calls, which the drain ends, whoever else shares
 * the registry.
 */
final class TrackingServerInterceptor implements ServerInterceptor {

	/** The property that sets {@link #maxConcurrentStreams}, named in refusals. */
	static final String MAX_CONCURRENT_PROPERTY = "triple.server.streams.max-concurrent";

	/** The property that sets {@link #maxPendingOutbound}, named in the status of the calls it ends. */
	static final String MAX_PENDING_OUTBOUND_PROPERTY = "triple.server.streams.max-pending-outbound";

	private static final ServerCall.Listener<Object> REFUSED = new ServerCall.Listener<>() {
	};

	private final StreamRegistry registry;

	private final Map<String, ServerStreamLimits> limits;

	private final ServerStreamLimits noLimits;

	private final Duration maxAgeGrace;

	private final int maxConcurrentStreams;

	private final long maxPendingOutbound;

	private final ScheduledExecutorService timer;

	private final Executor drainExecutor;

	/** This server's open calls (the registry may be shared). */
	private final Set<TrackedServerCall<?, ?>> calls = ConcurrentHashMap.newKeySet();

	/** Streaming calls holding one of the {@link #maxConcurrentStreams} places. */
	private final AtomicInteger streams = new AtomicInteger();

	private volatile boolean draining;

	/**
	 * @param limits the limits of each streaming method, by full method name: both set (possibly to
	 * no limit); a method not in the map has {@code noLimits}, as have unary calls
	 * @param maxConcurrentStreams how many streaming calls may be open at once; 0 for no limit
	 * @param maxPendingOutbound how many bytes a call's client may leave unread before the call is
	 * ended; 0 for no limit
	 */
	TrackingServerInterceptor(StreamRegistry registry, Map<String, ServerStreamLimits> limits,
			ServerStreamLimits noLimits, Duration maxAgeGrace, int maxConcurrentStreams, long maxPendingOutbound,
			ScheduledExecutorService timer, Executor drainExecutor) {
		this.maxPendingOutbound = maxPendingOutbound;
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
			refuse(call);
			return (ServerCall.Listener<Q>) REFUSED;
		}
		ServerStreamLimits callLimits = streaming
				? this.limits.getOrDefault(method.getFullMethodName(), this.noLimits) : this.noLimits;
		TimeoutSetting idleTimeout = callLimits.idleTimeout();
		StreamLifecycle lifecycle = new StreamLifecycle(this.registry, idleTimeout.value(),
				idleTimeout.isSet() ? idleTimeout.describe() : null, this.drainExecutor);
		TrackedServerCall<Q, R> tracked = new TrackedServerCall<>(call, lifecycle, callLimits,
				Context.current().getDeadline(), this.maxPendingOutbound, (ended) -> ended(ended, holdsPlace));
		this.calls.add(tracked);
		tracked.register();
		if (this.draining) {
			// Started while the drain was giving its notices: it may have missed this one.
			tracked.giveDrainNotice();
		}
		CallEndTracer.link(tracked);
		startClocks(lifecycle, callLimits);
		ServerCall.Listener<Q> listener;
		try {
			Context context = tracked.context().attachTo(Context.current());
			listener = Contexts.interceptCall(context, tracked, headers, next);
		}
		catch (RuntimeException | Error ex) {
			// grpc-java closes the stream itself with this status, around the call.
			tracked.handlerFailed(Status.fromThrowable(ex));
			throw ex;
		}
		return new TrackedServerCallListener<>(tracked, listener);
	}

	private void startClocks(StreamLifecycle lifecycle, ServerStreamLimits callLimits) {
		if (lifecycle.hasIdleClock()) {
			lifecycle.established();
			lifecycle.startIdleClock(this.timer);
		}
		TimeoutSetting maxAge = callLimits.maxAge();
		if (maxAge.isSet()) {
			lifecycle.startTimeLimit(this.timer, maxAge.value(), this.maxAgeGrace, EndReason.MAX_AGE,
					Status.UNAVAILABLE.withDescription("stream reached its max age of " + maxAge.describe()));
		}
	}

	/** Refuses a stream over the limit: registered and ended at once, so that it is counted. */
	private <Q, R> void refuse(ServerCall<Q, R> call) {
		Status refusal = Status.RESOURCE_EXHAUSTED.withDescription("too many open streams: this server allows "
				+ this.maxConcurrentStreams + " at once (" + MAX_CONCURRENT_PROPERTY + ")");
		StreamLifecycle lifecycle = new StreamLifecycle(this.registry, null, null, this.drainExecutor);
		TrackedServerCall<Q, R> refused = new TrackedServerCall<>(call, lifecycle, this.noLimits,
				Context.current().getDeadline(), 0, (ended) -> {
				});
		refused.register();
		refused.end(EndReason.REFUSED, refusal);
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

	/**
	 * From now on, every call that starts is given the drain notice at once: the drain gives it to
	 * those already open.
	 */
	void startDraining() {
		this.draining = true;
	}

	/** This server's open calls. */
	List<TrackedServerCall<?, ?>> calls() {
		return new ArrayList<>(this.calls);
	}

}
