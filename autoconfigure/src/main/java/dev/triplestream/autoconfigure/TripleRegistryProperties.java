package dev.triplestream.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The ZooKeeper registries that channels ({@code zookeeper://NAME/INTERFACE}) and the server
 * ({@code triple.server.registry.address=zookeeper://NAME}) refer to by name, under
 * {@code triple.registry.<name>}.
 */
@ConfigurationProperties("triple")
public class TripleRegistryProperties {

	/**
	 * ZooKeeper registries by name, each shared by every channel and server registration that
	 * names it.
	 */
	private Map<String, Zookeeper> registry = new LinkedHashMap<>();

	public Map<String, Zookeeper> getRegistry() {
		return this.registry;
	}

	public void setRegistry(Map<String, Zookeeper> registry) {
		this.registry = registry;
	}

	/**
	 * One ZooKeeper ensemble holding a Dubbo registry.
	 */
	public static class Zookeeper {

		/**
		 * The ensemble, as 'host:port[,host:port...]' (a 'zookeeper://' prefix is accepted).
		 */
		private String address;

		/**
		 * How long the ensemble keeps this application's session, and so its registrations, after
		 * losing touch with it.
		 */
		private Duration sessionTimeout = Duration.ofSeconds(60);

		/**
		 * How long to wait for a first connection before the registry is reported unreachable.
		 */
		private Duration connectionTimeout = Duration.ofSeconds(5);

		/**
		 * Root of Dubbo's nodes: '/dubbo' unless the Dubbo applications set their registry's
		 * 'group'.
		 */
		private String rootPath = "/dubbo";

		/**
		 * User name of ZooKeeper digest authentication. No authentication when not set.
		 */
		private String username;

		/**
		 * Password of ZooKeeper digest authentication.
		 */
		private String password;

		public String getAddress() {
			return this.address;
		}

		public void setAddress(String address) {
			this.address = address;
		}

		public Duration getSessionTimeout() {
			return this.sessionTimeout;
		}

		public void setSessionTimeout(Duration sessionTimeout) {
			this.sessionTimeout = sessionTimeout;
		}

		public Duration getConnectionTimeout() {
			return this.connectionTimeout;
		}

		public void setConnectionTimeout(Duration connectionTimeout) {
			this.connectionTimeout = connectionTimeout;
		}

		public String getRootPath() {
			return this.rootPath;
		}

		public void setRootPath(String rootPath) {
			this.rootPath = rootPath;
		}

		public String getUsername() {
			return this.username;
		}

		public void setUsername(String username) {
			this.username = username;
		}

		public String getPassword() {
			return this.password;
		}

		public void setPassword(String password) {
			this.password = password;
		}

	}

}
