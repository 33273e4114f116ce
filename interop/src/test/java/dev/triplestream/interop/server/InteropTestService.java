package dev.triplestream.interop.server;

import java.util.concurrent.ScheduledExecutorService;

import io.grpc.BindableService;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.testing.integration.TestServiceImpl;

import dev.triplestream.server.TripleService;

/**
 * The gRPC interop suite's {@code grpc.testing.TestService}, served by the starter as any
 * application service is: a {@link TripleService} bean. It is the suite's own implementation with
 * the interceptors the suite installs for it (echoing the metadata that {@code custom_metadata}
 * checks), so the peers see exactly the service they were written against.
 */
@TripleService
class InteropTestService implements BindableService {

	private final ScheduledExecutorService executor;

	InteropTestService(ScheduledExecutorService executor) {
		this.executor = executor;
	}

	@Override
	public ServerServiceDefinition bindService() {
		return ServerInterceptors.intercept(new TestServiceImpl(this.executor), TestServiceImpl.interceptors());
	}

}
