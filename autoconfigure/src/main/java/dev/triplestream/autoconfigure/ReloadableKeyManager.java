package dev.triplestream.autoconfigure;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A key manager whose key material can be replaced while it is in use: each new TLS handshake uses
 * the material current when it starts, connections already established keep theirs. Aliases it
 * hands out carry the generation of the material they came from, so that a handshake that chose an
 * alias just before a replacement still gets that alias's key and chain.
 * <p>
 * Thread-safe: {@link #update} may run on any thread (Spring Boot's SSL bundle file watcher) while
 * handshakes run on the transport's threads.
 */
final class ReloadableKeyManager extends X509ExtendedKeyManager {

	private volatile Generation current;

	private volatile Generation previous;

	ReloadableKeyManager(X509ExtendedKeyManager initial) {
		this.current = new Generation(0, initial);
	}

	/** The first {@link X509ExtendedKeyManager} of {@code managers}, as a reloadable one. */
	static ReloadableKeyManager of(KeyManager[] managers) {
		return new ReloadableKeyManager(x509(managers));
	}

	/** Replaces the key material for the handshakes that start from now on. */
	void update(KeyManager[] managers) {
		X509ExtendedKeyManager next = x509(managers);
		synchronized (this) {
			Generation now = this.current;
			this.previous = now;
			this.current = new Generation(now.number + 1, next);
		}
	}

	private static X509ExtendedKeyManager x509(KeyManager[] managers) {
		for (KeyManager manager : managers) {
			if (manager instanceof X509ExtendedKeyManager x509) {
				return x509;
			}
		}
		throw new IllegalArgumentException("No X509ExtendedKeyManager among the bundle's key managers");
	}

	@Override
	public String[] getClientAliases(String keyType, Principal[] issuers) {
		Generation generation = this.current;
		return generation.qualify(generation.delegate.getClientAliases(keyType, issuers));
	}

	@Override
	public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
		Generation generation = this.current;
		return generation.qualify(generation.delegate.chooseClientAlias(keyType, issuers, socket));
	}

	@Override
	public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
		Generation generation = this.current;
		return generation.qualify(generation.delegate.chooseEngineClientAlias(keyType, issuers, engine));
	}

	@Override
	public String[] getServerAliases(String keyType, Principal[] issuers) {
		Generation generation = this.current;
		return generation.qualify(generation.delegate.getServerAliases(keyType, issuers));
	}

	@Override
	public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
		Generation generation = this.current;
		return generation.qualify(generation.delegate.chooseServerAlias(keyType, issuers, socket));
	}

	@Override
	public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
		Generation generation = this.current;
		return generation.qualify(generation.delegate.chooseEngineServerAlias(keyType, issuers, engine));
	}

	@Override
	public X509Certificate[] getCertificateChain(String alias) {
		Generation generation = generationOf(alias);
		return (generation != null) ? generation.delegate.getCertificateChain(generation.unqualify(alias)) : null;
	}

	@Override
	public PrivateKey getPrivateKey(String alias) {
		Generation generation = generationOf(alias);
		return (generation != null) ? generation.delegate.getPrivateKey(generation.unqualify(alias)) : null;
	}

	/** The generation an alias came from, if it is still current or the one before. */
	private Generation generationOf(String alias) {
		if (alias == null) {
			return null;
		}
		Generation current = this.current;
		if (current.owns(alias)) {
			return current;
		}
		Generation previous = this.previous;
		return (previous != null && previous.owns(alias)) ? previous : null;
	}

	private record Generation(long number, X509ExtendedKeyManager delegate) {

		String prefix() {
			return this.number + "/";
		}

		boolean owns(String alias) {
			return alias.startsWith(prefix());
		}

		String unqualify(String alias) {
			return alias.substring(prefix().length());
		}

		String qualify(String alias) {
			return (alias != null) ? prefix() + alias : null;
		}

		String[] qualify(String[] aliases) {
			if (aliases == null) {
				return null;
			}
			String[] qualified = new String[aliases.length];
			for (int i = 0; i < aliases.length; i++) {
				qualified[i] = qualify(aliases[i]);
			}
			return qualified;
		}

	}

}
