package dev.triplestream.interop.server;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/**
 * Hands the {@code grpc-timeout} header a client sent (or {@code none}) to the handler, through the
 * call's {@link Context}, so that a test can tell whether the peer sent a deadline. Stateless.
 */
public class HeaderRecordingInterceptor implements ServerInterceptor {

	static final Context.Key<String> GRPC_TIMEOUT = Context.keyWithDefault("grpc-timeout", "none");

	private static final Metadata.Key<String> GRPC_TIMEOUT_HEADER = Metadata.Key.of("grpc-timeout",
			Metadata.ASCII_STRING_MARSHALLER);

	@Override
	public <Req, Resp> ServerCall.Listener<Req> interceptCall(ServerCall<Req, Resp> call, Metadata headers,
			ServerCallHandler<Req, Resp> next) {
		String timeout = headers.get(GRPC_TIMEOUT_HEADER);
		Context context = Context.current().withValue(GRPC_TIMEOUT, (timeout != null) ? timeout : "none");
		return Contexts.interceptCall(context, call, headers, next);
	}

}
