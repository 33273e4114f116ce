package dev.triplestream.server;

import java.util.List;

import io.grpc.BindableService;
import io.grpc.ServerInterceptor;

/**
 * A service a {@link TripleServer} serves.
 *
 * @param beanName the name of the bean that implements it, for error messages
 * @param service the implementation
 * @param interceptors interceptors of this service only; the first sees a call first
 * @param limits the time limits of this service's streaming calls, such as those of its
 * {@link TripleService @TripleService}; what they leave inherited comes from the server's
 */
public record TripleServiceBean(String beanName, BindableService service, List<ServerInterceptor> interceptors,
		ServerStreamLimits limits) {

	public TripleServiceBean {
		interceptors = List.copyOf(interceptors);
		limits = (limits != null) ? limits : ServerStreamLimits.INHERIT;
	}

	/** A service with the server's stream limits. */
	public TripleServiceBean(String beanName, BindableService service, List<ServerInterceptor> interceptors) {
		this(beanName, service, interceptors, ServerStreamLimits.INHERIT);
	}

	/** A service without interceptors of its own, with the server's stream limits. */
	public TripleServiceBean(String beanName, BindableService service) {
		this(beanName, service, List.of());
	}

}
