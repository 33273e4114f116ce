package dev.triplestream.autoconfigure;

import java.util.Enumeration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.ssl.SslManagerBundle;

/**
 * The key and trust managers of one SSL bundle, kept current: when Spring Boot reloads the bundle
 * ({@code spring.ssl.bundle.*.<name>.reload-on-update=true} and its files changed), the managers
 * switch to the new material, so that new TLS handshakes (new connections) use the renewed
 * certificates while established connections, and the streams on them, are left alone. The TLS
 * context built over them is never rebuilt; a reloaded bundle's ciphers and protocols are therefore
 * not applied until restart.
 * <p>
 * Thread-safe: Spring Boot calls the update handler on its file-watcher thread.
 */
final class BundleSslManagers {

	private static final Log logger = LogFactory.getLog(BundleSslManagers.class);

	private final String bundleName;

	private final String user;

	private final ReloadableKeyManager keyManager;

	private final ReloadableTrustManager trustManager;

	private final List<SSLSessionContext> sessions = new CopyOnWriteArrayList<>();

	private BundleSslManagers(String bundleName, String user, SslBundle bundle) {
		this.bundleName = bundleName;
		this.user = user;
		SslManagerBundle managers = bundle.getManagers();
		this.keyManager = hasKeyStore(bundle) ? ReloadableKeyManager.of(managers.getKeyManagers()) : null;
		this.trustManager = ReloadableTrustManager.of(managers.getTrustManagers());
	}

	/**
	 * The managers of a bundle, following its reloads when {@code bundles} is given.
	 * @param bundleName the bundle's name, for logs
	 * @param user what uses the bundle, for logs, such as {@code channel 'chat'}
	 * @param bundle the bundle as it is now
	 * @param bundles the registry that reloads it; null when it cannot be reloaded
	 */
	static BundleSslManagers of(String bundleName, String user, SslBundle bundle, SslBundles bundles) {
		BundleSslManagers managers = new BundleSslManagers(bundleName, user, bundle);
		if (bundles != null) {
			bundles.addBundleUpdateHandler(bundleName, managers::reload);
		}
		return managers;
	}

	/** The key manager, or null when the bundle has no key store. */
	ReloadableKeyManager keyManager() {
		return this.keyManager;
	}

	ReloadableTrustManager trustManager() {
		return this.trustManager;
	}

	/**
	 * Registers the session cache of a TLS context built over these managers, emptied on every
	 * reload: a resumed session skips the certificates, so a new connection that resumed one made
	 * before the reload would go on with the old certificates.
	 */
	void invalidateOnReload(SSLSessionContext sessionContext) {
		if (sessionContext != null) {
			this.sessions.add(sessionContext);
		}
	}

	private void reload(SslBundle bundle) {
		try {
			SslManagerBundle managers = bundle.getManagers();
			if (this.keyManager != null) {
				if (!hasKeyStore(bundle)) {
					throw new IllegalStateException("the reloaded bundle has no key store");
				}
				this.keyManager.update(managers.getKeyManagers());
			}
			this.trustManager.update(managers.getTrustManagers());
			this.sessions.forEach(BundleSslManagers::invalidate);
			logger.info("SSL bundle '" + this.bundleName + "' was reloaded: new connections of " + this.user
					+ " use its new certificates; open connections keep theirs");
		}
		catch (RuntimeException ex) {
			logger.error("SSL bundle '" + this.bundleName + "' was reloaded but cannot be used by " + this.user
					+ "; new connections keep using the previous certificates", ex);
		}
	}

	private static void invalidate(SSLSessionContext context) {
		for (Enumeration<byte[]> ids = context.getIds(); ids.hasMoreElements();) {
			SSLSession session = context.getSession(ids.nextElement());
			if (session != null) {
				session.invalidate();
			}
		}
	}

	private static boolean hasKeyStore(SslBundle bundle) {
		return bundle.getStores() != null && bundle.getStores().getKeyStore() != null;
	}

}
