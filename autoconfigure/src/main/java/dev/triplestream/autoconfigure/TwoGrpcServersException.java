package dev.triplestream.autoconfigure;

import java.util.List;

/**
 * Thrown at start-up when Spring Boot's own gRPC server is configured beside the Triple server; see
 * {@link SpringGrpcServerConflictAutoConfiguration}.
 */
public class TwoGrpcServersException extends IllegalStateException {

	private final List<String> springGrpcServerBeans;

	TwoGrpcServersException(List<String> springGrpcServerBeans) {
		super("Both the Triple server (triple.server.*) and Spring Boot's gRPC server (spring.grpc.server.*,"
				+ " beans " + springGrpcServerBeans + ") would serve this application's services;"
				+ " set spring.grpc.server.enabled=false or triple.server.enabled=false");
		this.springGrpcServerBeans = List.copyOf(springGrpcServerBeans);
	}

	/** The names of the Spring Boot gRPC server beans found. */
	public List<String> getSpringGrpcServerBeans() {
		return this.springGrpcServerBeans;
	}

}
