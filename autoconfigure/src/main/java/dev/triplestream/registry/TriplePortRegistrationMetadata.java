package dev.triplestream.registry;

import java.util.Map;
import java.util.function.Function;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.cloud.client.discovery.event.InstancePreRegisteredEvent;
import org.springframework.cloud.client.serviceregistry.Registration;
import org.springframework.context.ApplicationListener;

import dev.triplestream.server.TripleServer;

/**
 * Puts the Triple server's port into the metadata of the application's Spring Cloud service
 * registration (Spring Cloud Zookeeper's, Consul's or Eureka's auto-registration), under
 * {@value DiscoveryInstances#TRIPLE_PORT} and {@value DiscoveryInstances#GRPC_PORT}, so that
 * {@code discovery:///} channels and other gRPC starters' clients dial the Triple port rather than
 * the HTTP port the registration carries.
 * <p>
 * Spring Cloud registers when the web server has started, which is before the Triple server's own
 * lifecycle phase; an announced port must already serve, so the Triple server is started here
 * first (its start is idempotent; the lifecycle's later start does nothing). A registration whose
 * metadata cannot be changed is left as it is, with a warning. Thread-safe: Spring Cloud publishes
 * the event on the thread that starts the registration.
 */
public final class TriplePortRegistrationMetadata implements ApplicationListener<InstancePreRegisteredEvent> {

	private static final Log logger = LogFactory.getLog(TriplePortRegistrationMetadata.class);

	private final TripleServer server;

	private final Function<Registration, Map<String, String>> metadata;

	/**
	 * @param server the application's Triple server
	 * @param metadata the metadata map of a registration that its registry will register (for
	 * most registries {@link Registration#getMetadata()}; Spring Cloud Zookeeper's must first be
	 * built)
	 */
	public TriplePortRegistrationMetadata(TripleServer server, Function<Registration, Map<String, String>> metadata) {
		this.server = server;
		this.metadata = metadata;
	}

	@Override
	public void onApplicationEvent(InstancePreRegisteredEvent event) {
		Registration registration = event.getRegistration();
		if (registration == null) {
			return;
		}
		this.server.start();
		int port = this.server.getPort();
		if (port <= 0) {
			// no network port: nothing to serve, or in-process only
			return;
		}
		try {
			Map<String, String> metadata = this.metadata.apply(registration);
			metadata.put(DiscoveryInstances.TRIPLE_PORT, Integer.toString(port));
			metadata.put(DiscoveryInstances.GRPC_PORT, Integer.toString(port));
		}
		catch (RuntimeException ex) {
			// an immutable map: the registration is what its registry made it
			logger.warn("Cannot put the Triple port " + port + " into the metadata of the service registration of '"
					+ registration.getServiceId() + "' (" + ex + "); set " + DiscoveryInstances.TRIPLE_PORT
					+ " in the registry's own metadata properties instead");
		}
	}

}
