package dev.triplestream.client;

import java.util.concurrent.TimeUnit;

import io.grpc.Attributes;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientStreamTracer;
import io.grpc.Deadline;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;

/**
 * Puts every call of one channel under triplestream's lifecycle: deadline by call type, idle
 * timeout (streaming calls), registry tracking, and rejection once the context is shutting down.
 * Calls made with generated stubs on the channel bean get the same treatment as those of
 * {@link TripleClient} interfaces. An explicit deadline in the call options wins over the
 * configured one.
 */
final class StreamLifecycleInterceptor implements ClientInterceptor {

	/** A per-method override of the deadline that applies to the call's type. */
	static final CallOptions.Key<TimeoutSetting> DEADLINE = CallOptions.Key.create("triplestream.deadline");

	/** A per-method override of the idle timeout. */
	static final CallOptions.Key<TimeoutSetting> IDLE_TIMEOUT = CallOptions.Key.create("triplestream.idle-timeout");

	/** A per-method override of the channel's drain policy. */
	static final CallOptions.Key<DrainPolicy> DRAIN_POLICY = CallOptions.Key.create("triplestream.drain-policy");

	private final ClientStreams streams;

	private final String channelName;

	private final String target;

	private final StreamSettings settings;

	StreamLifecycleInterceptor(ClientStreams streams, String channelName, String target, StreamSettings settings) {
		this.streams = streams;
		this.channelName = channelName;
		this.target = target;
		this.settings = settings;
	}

	@Override
	public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions callOptions, Channel next) {
		boolean streaming = method.getType() != MethodDescriptor.MethodType.UNARY;
		StreamSettings effective = this.settings;
		TimeoutSetting idle = callOptions.getOption(IDLE_TIMEOUT);
		if (idle != null) {
			effective = effective.withIdleTimeout(idle);
		}
		DrainPolicy drainPolicy = callOptions.getOption(DRAIN_POLICY);
		if (drainPolicy != null) {
			effective = effective.withDrainPolicy(drainPolicy);
		}
		TimeoutSetting deadlineOverride = callOptions.getOption(DEADLINE);
		if (deadlineOverride != null) {
			effective = effective.withDeadline(deadlineOverride, streaming);
		}
		TimeoutSetting deadlineSetting = streaming ? effective.streamDeadline() : effective.deadline();
		TimeoutSetting applied = null;
		if (callOptions.getDeadline() == null && deadlineSetting.isSet()) {
			callOptions = callOptions.withDeadline(
					Deadline.after(deadlineSetting.value().toNanos(), TimeUnit.NANOSECONDS));
			applied = deadlineSetting;
		}
		// Every call hears of its transport stream: where its idle clock starts, and whether its status
		// came from the server (trailers) or from grpc itself (a lost connection).
		TransportEvents events = new TransportEvents();
		// A refused call is tracked too, so that every call the application makes has one shape.
		ClientCall<Q, R> call;
		boolean refused = this.streams.isShuttingDown();
		if (refused) {
			call = new RejectedClientCall<>(Status.UNAVAILABLE.withDescription(ClientStreams.SHUTTING_DOWN));
		}
		else {
			call = next.newCall(method, callOptions.withStreamTracerFactory(events));
		}
		TrackedClientCall<Q, R> tracked = new TrackedClientCall<>(call, method, this.streams, this.channelName,
				this.target, effective, callOptions.getDeadline(), applied, callOptions.getOption(OpeningSite.KEY),
				refused);
		// Set before the call can start, hence before any stream of it exists.
		events.call = tracked;
		return tracked;
	}

	/**
	 * Tells a call when its stream exists on a transport (grpc calls {@code onReady} only for calls
	 * in which the client sends many messages, so for a server-streaming call this is the only sign
	 * that it is connected before the server answers), and when trailers came from the server.
	 */
	private static final class TransportEvents extends ClientStreamTracer.Factory {

		private volatile TrackedClientCall<?, ?> call;

		@Override
		public ClientStreamTracer newClientStreamTracer(ClientStreamTracer.StreamInfo info, Metadata headers) {
			return new ClientStreamTracer() {

				@Override
				public void streamCreated(Attributes transportAttributes, Metadata headers) {
					TrackedClientCall<?, ?> created = TransportEvents.this.call;
					if (created != null) {
						created.streamCreated();
					}
				}

				@Override
				public void inboundTrailers(Metadata trailers) {
					TrackedClientCall<?, ?> ended = TransportEvents.this.call;
					if (ended != null) {
						ended.trailersReceived();
					}
				}

			};
		}

	}

}
