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
 */
public record TripleServiceBean(String beanName, BindableService service, List<ServerInterceptor> interceptors) {

	public TripleServiceBean {
		interceptors = List.copyOf(interceptors);
	}

	/** A service without interceptors of its own. */
	public TripleServiceBean(String beanName, BindableService service) {
		this(beanName, service, List.of());
	}

}
