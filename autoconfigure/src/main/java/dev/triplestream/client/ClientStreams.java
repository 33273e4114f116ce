package dev.triplestream.client;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.MethodDescriptor;

import dev.triplestream.stream.StreamRegistry;

/**
 * PLACEHOLDER (being written on the client branch): the client side's shared stream machinery.
 * {@link #interceptor} is what every channel must install as its outermost interceptor.
 */
public class ClientStreams {

	private final StreamRegistry registry;

	public ClientStreams(StreamRegistry registry) {
		this.registry = registry;
	}

	public StreamRegistry registry() {
		return this.registry;
	}

	/**
	 * The interceptor that tracks, times and drains every call of one channel. Install it last
	 * with {@code ManagedChannelBuilder.intercept(...)} so it runs first.
	 */
	public ClientInterceptor interceptor(String channelName, String target, StreamSettings settings) {
		return new ClientInterceptor() {
			@Override
			public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions callOptions,
					Channel next) {
				return next.newCall(method, callOptions);
			}
		};
	}

}
