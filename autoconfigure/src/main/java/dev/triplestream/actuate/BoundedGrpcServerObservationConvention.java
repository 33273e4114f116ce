package dev.triplestream.actuate;

import java.util.function.Predicate;

import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.micrometer.core.instrument.binder.grpc.DefaultGrpcServerObservationConvention;
import io.micrometer.core.instrument.binder.grpc.GrpcServerObservationContext;

/**
 * Micrometer's server observation convention, with the {@code rpc.method} and {@code rpc.service}
 * tags kept to the methods the server registered: a call for any other method (a fallback handler
 * registry's, named by the peer) is tagged {@value TripleStreamMetrics#UNKNOWN}, so that a peer
 * cannot grow the number of series. Thread-safe when {@code serverMethods} is.
 */
public class BoundedGrpcServerObservationConvention extends DefaultGrpcServerObservationConvention {

	private final Predicate<String> serverMethods;

	/** @param serverMethods whether a full method name is one the server registered */
	public BoundedGrpcServerObservationConvention(Predicate<String> serverMethods) {
		this.serverMethods = serverMethods;
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(GrpcServerObservationContext context) {
		KeyValues keyValues = super.getLowCardinalityKeyValues(context);
		String method = context.getFullMethodName();
		if (method != null && this.serverMethods.test(method)) {
			return keyValues;
		}
		return keyValues.and(KeyValue.of("rpc.method", TripleStreamMetrics.UNKNOWN),
				KeyValue.of("rpc.service", TripleStreamMetrics.UNKNOWN));
	}

}
