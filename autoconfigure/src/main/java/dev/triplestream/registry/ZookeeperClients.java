package dev.triplestream.registry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.utils.CloseableUtils;

/**
 * The started Curator clients of the registries in use, one per registry, shared by every channel
 * and the server registration that use it. A client is started on first use and never blocks its
 * caller waiting for a connection. Thread-safe.
 */
public final class ZookeeperClients implements AutoCloseable {

	private final Map<ZookeeperRegistry, CuratorFramework> clients = new ConcurrentHashMap<>();

	private volatile boolean closed;

	/**
	 * The started client of a registry.
	 * @throws IllegalStateException after {@link #close()}
	 */
	public CuratorFramework client(ZookeeperRegistry registry) {
		if (this.closed) {
			throw new IllegalStateException("the registry clients are closed");
		}
		return this.clients.computeIfAbsent(registry, (key) -> {
			CuratorFramework client = key.newClient();
			client.start();
			return client;
		});
	}

	/** Closes every client; ephemeral nodes they wrote go with their sessions. */
	@Override
	public void close() {
		this.closed = true;
		this.clients.values().forEach(CloseableUtils::closeQuietly);
		this.clients.clear();
	}

}
