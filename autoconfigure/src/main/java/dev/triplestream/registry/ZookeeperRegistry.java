package dev.triplestream.registry;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.ACLProvider;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;

/**
 * How to reach one ZooKeeper ensemble that holds Dubbo's registry: the connection string, the
 * session and connection timeouts, the root under which Dubbo's nodes live and, optionally, the
 * digest credentials. Immutable and thread-safe.
 *
 * @param name the registry's name: the key under {@code triple.registry}, or the connection string
 * of a registry written inline in a target
 * @param connectString {@code host:port[,host:port...]}
 * @param sessionTimeout how long the ensemble keeps this client's session (and so the ephemeral
 * nodes it wrote) after losing touch with it
 * @param connectionTimeout how long to wait for a first connection before the registry is called
 * unreachable
 * @param rootPath the root of Dubbo's nodes, {@code /dubbo} unless Dubbo's registry {@code group}
 * is set
 * @param username digest user name, or null for no authentication
 * @param password digest password, or null
 */
public record ZookeeperRegistry(String name, String connectString, Duration sessionTimeout, Duration connectionTimeout,
		String rootPath, String username, String password) {

	/** Dubbo's default root. */
	public static final String DEFAULT_ROOT_PATH = "/dubbo";

	/** Where Dubbo's application-level registration keeps its instances. */
	public static final String SERVICES_PATH = "/services";

	public ZookeeperRegistry {
		if (connectString == null || connectString.isBlank()) {
			throw new IllegalArgumentException("registry '" + name + "' has no address");
		}
		sessionTimeout = (sessionTimeout != null) ? sessionTimeout : Duration.ofSeconds(60);
		connectionTimeout = (connectionTimeout != null) ? connectionTimeout : Duration.ofSeconds(5);
		rootPath = normalize((rootPath != null) ? rootPath : DEFAULT_ROOT_PATH);
	}

	/** A registry written inline in a target or an address, with the default settings. */
	public static ZookeeperRegistry inline(String connectString) {
		return new ZookeeperRegistry(connectString, connectString, null, null, null, null, null);
	}

	private static String normalize(String path) {
		String rooted = path.startsWith("/") ? path : "/" + path;
		return (rooted.length() > 1 && rooted.endsWith("/")) ? rooted.substring(0, rooted.length() - 1) : rooted;
	}

	/** The path of one of Dubbo's nodes under the root. */
	public String path(String relative) {
		return (this.rootPath.equals("/") ? "" : this.rootPath) + "/" + relative;
	}

	/** A new, not yet started Curator client for this registry. */
	CuratorFramework newClient() {
		CuratorFrameworkFactory.Builder builder = CuratorFrameworkFactory.builder()
			.connectString(this.connectString)
			.sessionTimeoutMs((int) this.sessionTimeout.toMillis())
			.connectionTimeoutMs((int) this.connectionTimeout.toMillis())
			.retryPolicy(new ExponentialBackoffRetry(1000, 29, 10_000));
		if (this.username != null) {
			// like Dubbo: the nodes a client creates are readable and writable by the same identity only
			String auth = this.username + ":" + ((this.password != null) ? this.password : "");
			builder.authorization("digest", auth.getBytes(StandardCharsets.UTF_8)).aclProvider(new ACLProvider() {

				@Override
				public List<ACL> getDefaultAcl() {
					return ZooDefs.Ids.CREATOR_ALL_ACL;
				}

				@Override
				public List<ACL> getAclForPath(String path) {
					return ZooDefs.Ids.CREATOR_ALL_ACL;
				}

			});
		}
		return builder.build();
	}

	@Override
	public String toString() {
		return this.name.equals(this.connectString) ? this.connectString : this.name + " (" + this.connectString + ")";
	}

}
