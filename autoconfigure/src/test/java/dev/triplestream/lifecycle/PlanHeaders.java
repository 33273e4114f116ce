package dev.triplestream.lifecycle;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/**
 * Carries a stream's server plan from the client to the handler in a header: the client's
 * interceptor reads the plan of the stream that the current thread is opening, the server's puts it
 * in the gRPC context of the handler, with the server registry's entry of the call when the
 * registry added it on this thread.
 */
final class PlanHeaders {

	static final Metadata.Key<String> HEADER = Metadata.Key.of("x-lifecycle-plan", Metadata.ASCII_STRING_MARSHALLER);

	/** The stream the current thread is opening, while it calls the client method. */
	static final ThreadLocal<ClientStreamRecord> OPENING = new ThreadLocal<>();

	/** The plan of the call the handler serves. */
	static final Context.Key<StreamPlan.ServerPlan.Keyed> PLAN = Context.key("lifecycle-plan");

	private PlanHeaders() {
	}

	/** Sends the plan of the stream being opened; install it inside the lifecycle interceptor. */
	static ClientInterceptor client() {
		return new ClientInterceptor() {

			@Override
			public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options,
					Channel next) {
				ClientStreamRecord opening = OPENING.get();
				ClientCall<Q, R> call = next.newCall(method, options);
				if (opening == null) {
					return call;
				}
				String header = opening.plan().server().encode(opening.plan().key());
				return new ForwardingClientCall.SimpleForwardingClientCall<>(call) {

					@Override
					public void start(Listener<R> listener, Metadata headers) {
						headers.put(HEADER, header);
						super.start(listener, headers);
					}

				};
			}

		};
	}

	/** Puts the plan the client sent in the handler's context. */
	static ServerInterceptor server() {
		return new ServerInterceptor() {

			@Override
			public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
					ServerCallHandler<Q, R> next) {
				EndLedger.Entry entry = EndLedger.takeOpenedHere();
				String header = headers.get(HEADER);
				if (header == null) {
					return next.startCall(call, headers);
				}
				Context context = Context.current().withValue(PLAN, StreamPlan.ServerPlan.decode(header));
				if (entry != null && entry.method.equals(call.getMethodDescriptor().getFullMethodName())) {
					context = context.withValue(EndLedger.SERVER_ENTRY, entry);
				}
				return Contexts.interceptCall(context, call, headers, next);
			}

		};
	}

}
