package dev.triplestream.client;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/**
 * What the server side of a test saw: calls and their headers, half-closes, cancellations. Test
 * handlers report to it; {@link #recorder()} records every call's method and headers.
 */
final class ServerProbe {

	static final Metadata.Key<String> GRPC_TIMEOUT = Metadata.Key.of("grpc-timeout",
			Metadata.ASCII_STRING_MARSHALLER);

	final AtomicInteger halfCloses = new AtomicInteger();

	final AtomicInteger cancellations = new AtomicInteger();

	final AtomicInteger messages = new AtomicInteger();

	final List<Call> calls = new CopyOnWriteArrayList<>();

	/** Records each call's full method name and request headers, before the handler runs. */
	ServerInterceptor recorder() {
		return new ServerInterceptor() {

			@Override
			public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
					ServerCallHandler<Q, R> next) {
				ServerProbe.this.calls.add(new Call(call.getMethodDescriptor().getFullMethodName(), headers));
				return next.startCall(call, headers);
			}

		};
	}

	/** Counts the cancellation of the call behind {@code responses}. */
	void watchCancel(StreamObserver<?> responses) {
		watchCancel(responses, () -> {
		});
	}

	/** Counts the cancellation of the call behind {@code responses}, then runs {@code andThen}. */
	void watchCancel(StreamObserver<?> responses, Runnable andThen) {
		((ServerCallStreamObserver<?>) responses).setOnCancelHandler(() -> {
			this.cancellations.incrementAndGet();
			andThen.run();
		});
	}

	/** The calls made to one method, oldest first. */
	List<Call> calls(String fullMethodName) {
		return this.calls.stream().filter((call) -> call.method().equals(fullMethodName)).toList();
	}

	record Call(String method, Metadata headers) {

		/** The {@code grpc-timeout} the client sent, in nanoseconds, or null when it sent none. */
		Long grpcTimeoutNanos() {
			String value = this.headers.get(GRPC_TIMEOUT);
			if (value == null) {
				return null;
			}
			long amount = Long.parseLong(value.substring(0, value.length() - 1));
			return switch (value.charAt(value.length() - 1)) {
				case 'n' -> amount;
				case 'u' -> amount * 1_000L;
				case 'm' -> amount * 1_000_000L;
				case 'S' -> amount * 1_000_000_000L;
				case 'M' -> amount * 60_000_000_000L;
				case 'H' -> amount * 3_600_000_000_000L;
				default -> throw new IllegalArgumentException("grpc-timeout " + value);
			};
		}

	}

}
