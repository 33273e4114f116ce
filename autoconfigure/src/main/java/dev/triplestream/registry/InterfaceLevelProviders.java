package dev.triplestream.registry;

import java.net.InetSocketAddress;
import java.util.LinkedHashSet;
import java.util.Set;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;

/**
 * The providers of one interface in Dubbo's interface-level layout: the children of
 * {@code ROOT/INTERFACE/providers}, each named by its {@link DubboUrl URL-encoded provider URL},
 * kept by a {@link CuratorCache} (watches, no polling). Only the URLs the
 * {@link DubboServiceSelector} takes count. The cache keeps its contents while the ensemble cannot
 * be reached, so the last known providers stay. Thread-safe.
 */
final class InterfaceLevelProviders implements ProviderSource {

	private static final Log logger = LogFactory.getLog(InterfaceLevelProviders.class);

	private final String providersPath;

	private final DubboServiceSelector selector;

	private final CuratorCache cache;

	private volatile boolean initialized;

	InterfaceLevelProviders(CuratorFramework client, ZookeeperRegistry registry, String serviceInterface,
			DubboServiceSelector selector) {
		this.providersPath = registry.path(serviceInterface + "/providers");
		this.selector = selector;
		this.cache = CuratorCache.build(client, this.providersPath);
	}

	@Override
	public void start(Runnable changed) {
		this.cache.listenable().addListener(CuratorCacheListener.builder()
			.forAll((type, oldData, data) -> changed.run())
			.forInitialized(() -> {
				this.initialized = true;
				changed.run();
			})
			.build());
		this.cache.start();
	}

	@Override
	public Set<InetSocketAddress> addresses() {
		Set<InetSocketAddress> addresses = new LinkedHashSet<>();
		this.cache.stream().forEach((node) -> {
			DubboUrl url = provider(node);
			if (url != null && this.selector.matches(url)) {
				addresses.add(InetSocketAddress.createUnresolved(url.host(), url.port()));
			}
		});
		return addresses;
	}

	private DubboUrl provider(ChildData node) {
		String path = node.getPath();
		if (path.length() <= this.providersPath.length() + 1 || path.indexOf('/', this.providersPath.length() + 1) >= 0) {
			return null; // the folder itself, or something deeper than a provider node
		}
		try {
			return DubboUrl.fromNodeName(path.substring(this.providersPath.length() + 1));
		}
		catch (IllegalArgumentException ex) {
			logger.debug("Ignoring node " + path + ": " + ex.getMessage());
			return null;
		}
	}

	@Override
	public boolean ready() {
		return this.initialized;
	}

	@Override
	public void close() {
		this.cache.close();
	}

}
