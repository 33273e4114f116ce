package dev.triplestream.registry;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;

import dev.triplestream.registry.dubbo.MetadataInfoV2;
import dev.triplestream.registry.dubbo.ServiceInfoV2;

/**
 * The providers of one interface in Dubbo's application-level layout. The node
 * {@code ROOT/mapping/INTERFACE} holds the comma-separated names of the applications that serve it;
 * each application's instances are the children of {@code /services/APP}
 * ({@link DubboInstance}). Groups and versions are in no node: they come from each instance's
 * metadata, fetched from the instance itself once per revision ({@link DubboMetadataFetcher}). An
 * instance counts when it is enabled and its revision's metadata lists a {@code tri} service of the
 * interface that the {@link DubboServiceSelector} takes; its address is the instance's host and the port
 * of its {@code tri} endpoint (that service's port when it lists none).
 * Everything is watched through {@link CuratorCache}s. A failed metadata
 * fetch is tried again after a few seconds. Thread-safe.
 */
final class ApplicationLevelProviders implements ProviderSource {

	private static final Log logger = LogFactory.getLog(ApplicationLevelProviders.class);

	private static final long RETRY_SECONDS = 3;

	private final CuratorFramework client;

	private final String serviceInterface;

	private final DubboServiceSelector selector;

	private final DubboMetadataFetcher fetcher;

	private final ScheduledExecutorService scheduler;

	private final CuratorCache mapping;

	private final Map<String, CuratorCache> applications = new ConcurrentHashMap<>();

	private final Set<String> initialized = ConcurrentHashMap.newKeySet();

	private volatile boolean mappingInitialized;

	private volatile boolean fetching;

	private volatile Runnable changed;

	private volatile boolean closed;

	ApplicationLevelProviders(CuratorFramework client, ZookeeperRegistry registry, String serviceInterface,
			DubboServiceSelector selector, DubboMetadataFetcher fetcher, ScheduledExecutorService scheduler) {
		this.client = client;
		this.serviceInterface = serviceInterface;
		this.selector = selector;
		this.fetcher = fetcher;
		this.scheduler = scheduler;
		this.mapping = CuratorCache.build(client, registry.path("mapping/" + serviceInterface));
	}

	@Override
	public void start(Runnable changed) {
		this.changed = changed;
		this.mapping.listenable().addListener(CuratorCacheListener.builder()
			.forAll((type, oldData, data) -> applicationsChanged())
			.forInitialized(() -> {
				this.mappingInitialized = true;
				applicationsChanged();
			})
			.build());
		this.mapping.start();
	}

	// Curator delivers one cache's events on one thread; the mapping is a single node, so no overlap
	private synchronized void applicationsChanged() {
		if (this.closed) {
			return;
		}
		Set<String> names = this.mapping.stream()
			.findFirst()
			.map(ChildData::getData)
			.map((data) -> new String(data, StandardCharsets.UTF_8))
			.map((text) -> Arrays.stream(text.split(",")).map(String::strip).filter((name) -> !name.isEmpty())
				.collect(Collectors.toCollection(TreeSet::new)))
			.orElseGet(TreeSet::new);
		this.applications.keySet().removeIf((name) -> {
			if (!names.contains(name)) {
				this.applications.get(name).close();
				this.initialized.remove(name);
				return true;
			}
			return false;
		});
		for (String name : names) {
			this.applications.computeIfAbsent(name, this::watch);
		}
		publish();
	}

	private CuratorCache watch(String application) {
		CuratorCache cache = CuratorCache.build(this.client, ZookeeperRegistry.SERVICES_PATH + "/" + application);
		cache.listenable().addListener(CuratorCacheListener.builder()
			.forAll((type, oldData, data) -> publish())
			.forInitialized(() -> {
				this.initialized.add(application);
				publish();
			})
			.build());
		cache.start();
		return cache;
	}

	private void publish() {
		Runnable current = this.changed;
		if (!this.closed && current != null) {
			current.run();
		}
	}

	@Override
	public Set<InetSocketAddress> addresses() {
		Set<InetSocketAddress> addresses = new LinkedHashSet<>();
		boolean[] waiting = new boolean[1];
		this.applications.forEach((application, cache) -> cache.stream().forEach((node) -> {
			DubboInstance instance = instance(application, node);
			if (instance != null) {
				addresses.addAll(addresses(instance, waiting));
			}
		}));
		this.fetching = waiting[0];
		return addresses;
	}

	private DubboInstance instance(String application, ChildData node) {
		String folder = ZookeeperRegistry.SERVICES_PATH + "/" + application;
		if (node.getPath().equals(folder) || node.getData() == null || node.getData().length == 0) {
			return null;
		}
		try {
			DubboInstance instance = DubboInstance.parse(node.getData());
			return instance.enabled() ? instance : null;
		}
		catch (IOException ex) {
			logger.debug("Ignoring node " + node.getPath() + ": " + ex.getMessage());
			return null;
		}
	}

	private Set<InetSocketAddress> addresses(DubboInstance instance, boolean[] waiting) {
		String revision = instance.revision();
		int metadataPort = instance.metadataPort();
		if (revision == null || metadataPort <= 0) {
			return Set.of();
		}
		if (instance.remoteMetadata()) {
			logger.debug("Instance " + instance.host() + ":" + instance.port() + " of " + instance.application()
					+ " keeps its metadata in a metadata report, which is not read; it is left out");
			return Set.of();
		}
		CompletableFuture<MetadataInfoV2> metadata = this.fetcher.fetch(instance.application(), revision,
				instance.host(), metadataPort);
		if (!metadata.isDone()) {
			waiting[0] = true;
			metadata.whenComplete((info, error) -> {
				if (error != null) {
					logger.warn("Cannot fetch the metadata of revision " + revision + " of " + instance.application()
							+ " from " + instance.host() + ":" + metadataPort + " (" + error.getMessage()
							+ "); trying again in " + RETRY_SECONDS + "s");
					this.scheduler.schedule(this::publish, RETRY_SECONDS, TimeUnit.SECONDS);
				}
				else {
					publish();
				}
			});
			return Set.of();
		}
		if (metadata.isCompletedExceptionally()) {
			return Set.of();
		}
		Set<InetSocketAddress> addresses = new LinkedHashSet<>();
		for (ServiceInfoV2 service : metadata.join().getServicesMap().values()) {
			if (this.serviceInterface.equals(service.getName())
					&& DubboServiceSelector.TRIPLE.equals(service.getProtocol())
					&& this.selector.matches(service.getGroup(), service.getVersion())) {
				// instances share a revision whatever their ports: the instance's own endpoint wins, as in Dubbo
				int port = (instance.triplePort() > 0) ? instance.triplePort() : service.getPort();
				if (port > 0) {
					addresses.add(InetSocketAddress.createUnresolved(instance.host(), port));
				}
			}
		}
		return addresses;
	}

	@Override
	public boolean ready() {
		return this.mappingInitialized && this.initialized.containsAll(this.applications.keySet()) && !this.fetching;
	}

	@Override
	public synchronized void close() {
		this.closed = true;
		this.mapping.close();
		this.applications.values().forEach(CuratorCache::close);
		this.applications.clear();
	}

}
