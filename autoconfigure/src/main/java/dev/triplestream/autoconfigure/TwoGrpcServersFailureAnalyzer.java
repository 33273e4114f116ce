package dev.triplestream.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Explains a {@link TwoGrpcServersException}: which two servers, and how to keep one. */
class TwoGrpcServersFailureAnalyzer extends AbstractFailureAnalyzer<TwoGrpcServersException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, TwoGrpcServersException cause) {
		return new FailureAnalysis("Two gRPC servers would serve this application's services: the Triple server"
				+ " of triplestream (triple.server.*) and Spring Boot's gRPC server (spring.grpc.server.*, beans "
				+ cause.getSpringGrpcServerBeans() + ").",
				"Keep one. Set spring.grpc.server.enabled=false to serve with triplestream (drain notice at shutdown,"
						+ " stream limits, stream registry), or triple.server.enabled=false to serve with Spring Boot's"
						+ " gRPC server (triplestream's channels and @TripleClient interfaces keep working).",
				cause);
	}

}
