package dev.triplestream.testing;

import java.math.BigInteger;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * A test peer's trust manager that trusts one authority and records the serial number of every
 * certificate the other side presented, one per handshake: how a test sees which certificate a new
 * connection got.
 */
public final class RecordingTrustManager extends X509ExtendedTrustManager {

	private final X509ExtendedTrustManager delegate;

	private final List<BigInteger> serials = new CopyOnWriteArrayList<>();

	public RecordingTrustManager(TestCertificateAuthority authority) {
		try {
			TrustManagerFactory factory = authority.trustManagers();
			X509ExtendedTrustManager found = null;
			for (TrustManager manager : factory.getTrustManagers()) {
				if (manager instanceof X509ExtendedTrustManager x509) {
					found = x509;
				}
			}
			if (found == null) {
				throw new GeneralSecurityException("no X509ExtendedTrustManager");
			}
			this.delegate = found;
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** The serial of the certificate each handshake so far was presented, oldest first. */
	public List<BigInteger> serials() {
		return this.serials;
	}

	/** The serial of the certificate the latest handshake was presented, or null before any. */
	public BigInteger lastSerial() {
		return this.serials.isEmpty() ? null : this.serials.get(this.serials.size() - 1);
	}

	private void record(X509Certificate[] chain) {
		this.serials.add(chain[0].getSerialNumber());
	}

	@Override
	public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
			throws CertificateException {
		record(chain);
		this.delegate.checkClientTrusted(chain, authType, socket);
	}

	@Override
	public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
			throws CertificateException {
		record(chain);
		this.delegate.checkServerTrusted(chain, authType, socket);
	}

	@Override
	public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
			throws CertificateException {
		record(chain);
		this.delegate.checkClientTrusted(chain, authType, engine);
	}

	@Override
	public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
			throws CertificateException {
		record(chain);
		this.delegate.checkServerTrusted(chain, authType, engine);
	}

	@Override
	public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
		record(chain);
		this.delegate.checkClientTrusted(chain, authType);
	}

	@Override
	public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
		record(chain);
		this.delegate.checkServerTrusted(chain, authType);
	}

	@Override
	public X509Certificate[] getAcceptedIssuers() {
		return this.delegate.getAcceptedIssuers();
	}

}
