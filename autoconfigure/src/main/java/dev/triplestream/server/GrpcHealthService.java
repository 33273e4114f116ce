package dev.triplestream.server;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Supplier;

import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerBuilder;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;

import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;

/**
 * The gRPC health protocol ({@code grpc.health.v1.Health}, grpc-java's {@link HealthStatusManager})
 * served by the {@link TripleServer}, so that Kubernetes {@code grpc:} probes and
 * {@code grpc_health_probe} work. As a {@link TripleServerBuilderCustomizer}, it adds the health
 * service to every transport and reports {@code SERVING} for the server (the empty service name)
 * and for each service it serves; on the {@link ShutdownAnnouncedEvent}, or the
 * {@link DrainingEvent} when the server stops without an announcement, everything turns
 * {@code NOT_SERVING}; open {@code Watch} streams end with OK at their drain notice, after they were
 * sent {@code NOT_SERVING}. Thread-safe.
 */
public class GrpcHealthService implements TripleServerBuilderCustomizer, ApplicationListener<ApplicationEvent> {

	private final HealthStatusManager manager = new HealthStatusManager();

	private final Supplier<Collection<String>> serviceNames;

	/** The names whose status was set, the server's own ("") included. */
	private final Set<String> reported = new LinkedHashSet<>();

	/** @param serviceNames the full names of the services the server serves, read at each start */
	public GrpcHealthService(Supplier<Collection<String>> serviceNames) {
		this.serviceNames = serviceNames;
	}

	@Override
	public void customize(ServerBuilder<?> builder) {
		setAll(ServingStatus.SERVING);
		builder.addService(ServerInterceptors.intercept(this.manager.getHealthService(), GrpcHealthService::endWatchOnDrain));
	}

	/**
	 * Ends a {@code Watch} call with OK when it has its drain notice. grpc-java's health service
	 * never ends a watch by itself, and clients with client-side health checking keep one open on
	 * every connection: left alone, each would hold the shutdown drain until the grace period is
	 * over. By the notice the watcher has been sent {@code NOT_SERVING}.
	 */
	private static <Q, R> ServerCall.Listener<Q> endWatchOnDrain(ServerCall<Q, R> call, Metadata headers,
			ServerCallHandler<Q, R> next) {
		if (call.getMethodDescriptor().getType() == MethodDescriptor.MethodType.SERVER_STREAMING) {
			ServerStreamContext.current().onDrain(() -> call.close(Status.OK, new Metadata()));
		}
		return next.startCall(call, headers);
	}

	/** Sets the status of one service, such as {@code NOT_SERVING} while it cannot serve. */
	public void setStatus(String service, ServingStatus status) {
		synchronized (this.reported) {
			this.reported.add(service);
		}
		this.manager.setStatus(service, status);
	}

	@Override
	public void onApplicationEvent(ApplicationEvent event) {
		if (event instanceof ShutdownAnnouncedEvent || event instanceof DrainingEvent) {
			setAll(ServingStatus.NOT_SERVING);
		}
	}

	private void setAll(ServingStatus status) {
		Set<String> names = new LinkedHashSet<>();
		names.add(HealthStatusManager.SERVICE_NAME_ALL_SERVICES);
		names.addAll(this.serviceNames.get());
		synchronized (this.reported) {
			names.addAll(this.reported);
		}
		names.forEach((name) -> setStatus(name, status));
	}

}
