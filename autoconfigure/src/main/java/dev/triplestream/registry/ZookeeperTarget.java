package dev.triplestream.registry;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * A channel target {@code zookeeper://REGISTRY/INTERFACE}, where {@code REGISTRY} is either the
 * name of a registry under {@code triple.registry} or, inline, the ensemble's
 * {@code host:port[,host:port...]} (with the default settings), and {@code INTERFACE} the service
 * interface that providers registered (see {@link DubboUrl}). Immutable and thread-safe.
 *
 * @param registry the registry holding the providers
 * @param serviceInterface the interface whose providers are looked up
 */
public record ZookeeperTarget(ZookeeperRegistry registry, String serviceInterface) {

	/** The scheme of registry targets. */
	public static final String SCHEME = "zookeeper";

	private static final Pattern INTERFACE = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$.-]*");

	/**
	 * Parses a target.
	 * @param registries the registries configured by name
	 * @throws IllegalArgumentException when it is malformed or names an unknown registry; the message
	 * says what is wrong
	 */
	public static ZookeeperTarget parse(String text, Map<String, ZookeeperRegistry> registries) {
		String prefix = SCHEME + "://";
		if (text == null || !text.regionMatches(true, 0, prefix, 0, prefix.length())) {
			throw new IllegalArgumentException("a ZooKeeper target reads zookeeper://REGISTRY/INTERFACE");
		}
		String rest = text.substring(prefix.length());
		int slash = rest.indexOf('/');
		if (slash <= 0 || slash == rest.length() - 1) {
			throw new IllegalArgumentException("a ZooKeeper target names its registry (a name under triple.registry, "
					+ "or host:port[,host:port...]) and the service interface, as in zookeeper://host:2181/com.example.Greeter");
		}
		String authority = rest.substring(0, slash);
		String serviceInterface = rest.substring(slash + 1);
		if (!INTERFACE.matcher(serviceInterface).matches()) {
			throw new IllegalArgumentException("'" + serviceInterface + "' is not a service interface name");
		}
		ZookeeperRegistry named = registries.get(authority);
		if (named != null) {
			return new ZookeeperTarget(named, serviceInterface);
		}
		if (!authority.contains(":")) {
			throw new IllegalArgumentException("no registry named '" + authority + "' under triple.registry"
					+ (registries.isEmpty() ? " (none is configured)" : " (configured: " + registries.keySet() + ")")
					+ "; an inline registry is host:port[,host:port...]");
		}
		return new ZookeeperTarget(ZookeeperRegistry.inline(authority), serviceInterface);
	}

}
