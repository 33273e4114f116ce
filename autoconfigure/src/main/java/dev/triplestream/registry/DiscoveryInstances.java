package dev.triplestream.registry;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.cloud.client.ServiceInstance;

/**
 * The Triple addresses of a service's instances as a Spring Cloud {@code DiscoveryClient} lists
 * them. An instance's port is the first of its metadata {@value #TRIPLE_PORT} (this starter's),
 * {@value #GRPC_PORT} (the key other gRPC starters write), else the instance's own port (its HTTP
 * port, for most registries). Instances whose metadata {@value #INSTANCE_STATUS} is present and
 * not {@code UP} (Spring Cloud Zookeeper's status, {@code OUT_OF_SERVICE} after
 * {@code ServiceRegistry.setStatus}) are left out; registries that know health themselves (Eureka,
 * Consul) list only healthy instances anyway. Stateless.
 */
public final class DiscoveryInstances {

	/** The metadata key of the Triple port, written by this starter's servers. */
	public static final String TRIPLE_PORT = "triple.port";

	/** The metadata key of the gRPC port other gRPC starters write and read. */
	public static final String GRPC_PORT = "gRPC_port";

	/** The metadata key of an instance's status in Spring Cloud Zookeeper. */
	public static final String INSTANCE_STATUS = "instance_status";

	private DiscoveryInstances() {
	}

	/**
	 * The addresses of the instances that take calls, in the order listed, without duplicates.
	 * Host names are looked up (this may block).
	 * @param instances the instances as listed
	 * @param problems collects one line for each instance left out for a reason its owner should
	 * know (a malformed port, a host that does not resolve)
	 */
	public static List<InetSocketAddress> addresses(List<ServiceInstance> instances, List<String> problems) {
		Set<InetSocketAddress> addresses = new LinkedHashSet<>();
		for (ServiceInstance instance : instances) {
			Map<String, String> metadata = (instance.getMetadata() != null) ? instance.getMetadata() : Map.of();
			String status = metadata.get(INSTANCE_STATUS);
			if (status != null && !status.equalsIgnoreCase("UP")) {
				continue;
			}
			int port = port(instance, metadata, problems);
			if (port <= 0 || instance.getHost() == null) {
				continue;
			}
			InetSocketAddress address = new InetSocketAddress(instance.getHost(), port);
			if (address.isUnresolved()) {
				problems.add(describe(instance) + ": host '" + instance.getHost() + "' does not resolve");
				continue;
			}
			addresses.add(address);
		}
		return new ArrayList<>(addresses);
	}

	private static int port(ServiceInstance instance, Map<String, String> metadata, List<String> problems) {
		for (String key : List.of(TRIPLE_PORT, GRPC_PORT)) {
			String value = metadata.get(key);
			if (value != null) {
				try {
					int port = Integer.parseInt(value.strip());
					if (port > 0 && port <= 65535) {
						return port;
					}
				}
				catch (NumberFormatException ex) {
					// reported below
				}
				problems.add(describe(instance) + ": metadata " + key + "='" + value + "' is not a port");
				return -1;
			}
		}
		return instance.getPort();
	}

	private static String describe(ServiceInstance instance) {
		return "instance " + ((instance.getInstanceId() != null) ? instance.getInstanceId() : instance.getHost())
				+ " of " + instance.getServiceId();
	}

}
