package dev.triplestream.registry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.curator.utils.CloseableUtils;
import org.apache.zookeeper.CreateMode;
import org.springframework.context.SmartLifecycle;

import dev.triplestream.server.TripleServer;
import dev.triplestream.stream.LifecyclePhases;

/**
 * Registers a {@link TripleServer}'s services in a ZooKeeper registry in Dubbo's interface-level
 * layout, one ephemeral node per service ({@link DubboProviderUrls}), so that Dubbo 3.3 consumers
 * and {@code zookeeper://} channels find them. Curator's {@link PersistentNode} writes each node in
 * the background (start-up never waits for the registry) and writes it again after a lost session.
 * <p>
 * Leaving the registry is the first step of the shutdown: the phase is
 * {@link LifecyclePhases#ANNOUNCE}, above {@link LifecyclePhases#SERVER}, so Spring stops this bean,
 * and the announcement beside it, first. {@link #stop(Runnable)} deletes
 * the nodes, then lets the announce period pass, during which the server still serves new calls
 * from clients that have not yet seen it leave; only then does Spring go on to the server's drain.
 * Thread-safe: start and stop are serialized.
 */
public final class ServerRegistration implements SmartLifecycle {

	/**
	 * Phase of the registration: started after the server, stopped before it, together with the
	 * server's shutdown announcement (health, gRPC health, readiness), so that both announce periods
	 * run at once rather than one after the other.
	 */
	public static final int PHASE = LifecyclePhases.ANNOUNCE;

	private static final Log logger = LogFactory.getLog(ServerRegistration.class);

	private final ZookeeperClients clients;

	private final ZookeeperRegistry registry;

	private final TripleServer server;

	private final DubboProviderUrls urls;

	private final Duration announcePeriod;

	private final List<PersistentNode> nodes = new ArrayList<>();

	private boolean running;

	/**
	 * @param clients the shared registry clients
	 * @param registry the registry to register in
	 * @param server the server whose services are registered, started before this bean
	 * @param urls how to write the services' provider URLs
	 * @param announcePeriod how long to wait after leaving the registry before the drain
	 */
	public ServerRegistration(ZookeeperClients clients, ZookeeperRegistry registry, TripleServer server,
			DubboProviderUrls urls, Duration announcePeriod) {
		this.clients = clients;
		this.registry = registry;
		this.server = server;
		this.urls = urls;
		this.announcePeriod = announcePeriod;
	}

	@Override
	public synchronized void start() {
		if (this.running) {
			return;
		}
		int port = this.server.getPort();
		if (port <= 0) {
			logger.info("Triple services not registered in " + this.registry + ": the server has no network port");
			return;
		}
		CuratorFramework client = this.clients.client(this.registry);
		for (DubboUrl url : this.urls.urls(this.server.getServices(), port)) {
			String path = this.registry.path(url.serviceInterface() + "/providers/" + url.toNodeName());
			PersistentNode node = new PersistentNode(client, CreateMode.EPHEMERAL, false, path, new byte[0]);
			node.start();
			this.nodes.add(node);
			logger.info("Registering " + url.serviceInterface() + " as " + url.toFullString() + " in " + this.registry);
		}
		this.running = true;
	}

	/** The paths of the nodes written, for tests and diagnostics. */
	public synchronized List<String> paths() {
		return this.nodes.stream().map(PersistentNode::getActualPath).toList();
	}

	/** Leaves the registry at once, without the announce period. */
	@Override
	public void stop() {
		deregister();
	}

	/** Leaves the registry, then calls back after the announce period. */
	@Override
	public void stop(Runnable callback) {
		if (!deregister() || this.announcePeriod.isZero()) {
			callback.run();
			return;
		}
		logger.info("Left " + this.registry + "; the server keeps serving for the announce period ("
				+ this.announcePeriod + ") before it drains");
		CompletableFuture.delayedExecutor(this.announcePeriod.toMillis(), TimeUnit.MILLISECONDS).execute(callback);
	}

	private synchronized boolean deregister() {
		if (!this.running) {
			return false;
		}
		this.running = false;
		this.nodes.forEach(CloseableUtils::closeQuietly);
		this.nodes.clear();
		return true;
	}

	@Override
	public synchronized boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
