package dev.triplestream.autoconfigure;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * A trust manager whose trusted certificates can be replaced while it is in use: each new TLS
 * handshake is checked against the trust material current when it is checked; connections already
 * established are not checked again. Delegates the engine and socket variants, so the JDK's
 * endpoint (host name) identification still applies.
 * <p>
 * Thread-safe: {@link #update} may run on any thread while handshakes are checked on others.
 */
final class ReloadableTrustManager extends X509ExtendedTrustManager {

	private volatile X509ExtendedTrustManager delegate;

	ReloadableTrustManager(X509ExtendedTrustManager initial) {
		this.delegate = initial;
	}

	/** The first {@link X509ExtendedTrustManager} of {@code managers}, as a reloadable one. */
	static ReloadableTrustManager of(TrustManager[] managers) {
		return new ReloadableTrustManager(x509(managers));
	}

	/** Replaces the trust material for the checks made from now on. */
	void update(TrustManager[] managers) {
		this.delegate = x509(managers);
	}

	private static X509ExtendedTrustManager x509(TrustManager[] managers) {
		for (TrustManager manager : managers) {
			if (manager instanceof X509ExtendedTrustManager x509) {
				return x509;
			}
		}
		throw new IllegalArgumentException("No X509ExtendedTrustManager among the bundle's trust managers");
	}

	@Override
	public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
			throws CertificateException {
		this.delegate.checkClientTrusted(chain, authType, socket);
	}

	@Override
	public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
			throws CertificateException {
		this.delegate.checkServerTrusted(chain, authType, socket);
	}

	@Override
	public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
			throws CertificateException {
		this.delegate.checkClientTrusted(chain, authType, engine);
	}

	@Override
	public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
			throws CertificateException {
		this.delegate.checkServerTrusted(chain, authType, engine);
	}

	@Override
	public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
		this.delegate.checkClientTrusted(chain, authType);
	}

	@Override
	public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
		this.delegate.checkServerTrusted(chain, authType);
	}

	@Override
	public X509Certificate[] getAcceptedIssuers() {
		return this.delegate.getAcceptedIssuers();
	}

}
