package dev.triplestream.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * A certificate authority made for one test run with the JDK's {@code keytool}, in a directory the
 * test owns: it issues server and client certificates signed by its own key, so that tests can tell
 * "signed by the trusted CA" from "signed by another CA". Nothing is committed; every file is made
 * at test time. Shared by the modules' tests through the autoconfigure test jar.
 */
public final class TestCertificateAuthority {

	/** The password of every key store and key this authority writes. */
	public static final String PASSWORD = "triple-test";

	private final Path directory;

	private final String name;

	private final Path keyStore;

	private final Path certificate;

	private final Path trustStore;

	private TestCertificateAuthority(Path directory, String name) {
		this.directory = directory;
		this.name = name;
		this.keyStore = directory.resolve(name + "-ca.p12");
		this.certificate = directory.resolve(name + "-ca.pem");
		this.trustStore = directory.resolve(name + "-trust.p12");
	}

	/**
	 * Makes a new authority, {@code CN=<name> Test CA}, writing its files into {@code directory}.
	 * @param directory where the key stores and PEM files go (a test's temporary directory)
	 * @param name a short file-name-safe name, such as {@code ca} or {@code other}
	 */
	public static TestCertificateAuthority create(Path directory, String name) {
		TestCertificateAuthority authority = new TestCertificateAuthority(directory, name);
		authority.keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
				"CN=" + name + " Test CA", "-ext", "bc:c", "-validity", "2", "-storetype", "PKCS12", "-keystore",
				authority.keyStore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD);
		authority.keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", authority.keyStore.toString(),
				"-storepass", PASSWORD, "-file", authority.certificate.toString());
		authority.keytool("-importcert", "-noprompt", "-alias", "ca", "-file", authority.certificate.toString(),
				"-storetype", "PKCS12", "-keystore", authority.trustStore.toString(), "-storepass", PASSWORD);
		return authority;
	}

	/** The authority's own certificate, PEM: what a peer that trusts this authority is given. */
	public Path certificatePem() {
		return this.certificate;
	}

	/** A PKCS12 trust store holding only the authority's certificate. */
	public Path trustStore() {
		return this.trustStore;
	}

	/** Trust managers that trust this authority only, for a test's own grpc-java peer. */
	public TrustManagerFactory trustManagers() {
		try (InputStream in = Files.newInputStream(this.trustStore)) {
			KeyStore store = KeyStore.getInstance("PKCS12");
			store.load(in, PASSWORD.toCharArray());
			TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
			factory.init(store);
			return factory;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** A server certificate for {@code localhost} and {@code 127.0.0.1}. */
	public IssuedCertificate issueServer(String alias) {
		return issue(alias, "CN=localhost", "SAN=dns:localhost,ip:127.0.0.1");
	}

	/** A client certificate with the subject {@code CN=<commonName>}. */
	public IssuedCertificate issueClient(String alias, String commonName) {
		return issue(alias, "CN=" + commonName, null);
	}

	/**
	 * Issues a certificate signed by this authority. Each call writes new files (a new key pair too),
	 * so issuing twice under the same alias renews the certificate in place on disk.
	 * @param alias the file-name prefix and key-store alias
	 * @param distinguishedName the subject, such as {@code CN=alice,O=test}
	 * @param subjectAlternativeNames a keytool {@code -ext} value such as
	 * {@code SAN=dns:localhost,ip:127.0.0.1}, or {@code null}
	 */
	public IssuedCertificate issue(String alias, String distinguishedName, String subjectAlternativeNames) {
		Path work = this.directory.resolve(alias + "-work.p12");
		Path request = this.directory.resolve(alias + ".csr");
		Path signed = this.directory.resolve(alias + "-signed.pem");
		try {
			Files.deleteIfExists(work);
			keytool("-genkeypair", "-alias", alias, "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
					distinguishedName, "-validity", "2", "-storetype", "PKCS12", "-keystore", work.toString(),
					"-storepass", PASSWORD, "-keypass", PASSWORD);
			keytool("-certreq", "-alias", alias, "-keystore", work.toString(), "-storepass", PASSWORD, "-file",
					request.toString());
			List<String> sign = new ArrayList<>(List.of("-gencert", "-rfc", "-alias", "ca", "-keystore",
					this.keyStore.toString(), "-storepass", PASSWORD, "-infile", request.toString(), "-outfile",
					signed.toString(), "-validity", "2"));
			if (subjectAlternativeNames != null) {
				sign.addAll(List.of("-ext", subjectAlternativeNames));
			}
			keytool(sign.toArray(String[]::new));
			String chain = Files.readString(signed) + Files.readString(this.certificate);
			Path chainFile = this.directory.resolve(alias + "-chain.pem");
			Files.writeString(chainFile, chain);
			keytool("-importcert", "-noprompt", "-alias", alias, "-file", chainFile.toString(), "-keystore",
					work.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD);
			return IssuedCertificate.write(this.directory, alias, work, signed, chainFile);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private void keytool(String... arguments) {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
		command.addAll(List.of(arguments));
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
				throw new IllegalStateException("keytool " + arguments[0] + " failed: " + output);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * A certificate this authority issued, in the forms Spring Boot's SSL bundles read.
	 * @param keyStore PKCS12 with the private key and the chain (leaf, then the authority), alias as issued
	 * @param certificatePem the leaf certificate alone
	 * @param chainPem the leaf followed by the authority's certificate
	 * @param privateKeyPem the private key, unencrypted PKCS#8 PEM
	 */
	public record IssuedCertificate(Path keyStore, Path certificatePem, Path chainPem, Path privateKeyPem) {

		static IssuedCertificate write(Path directory, String alias, Path workStore, Path signed, Path chain)
				throws IOException {
			Path keyStore = directory.resolve(alias + ".p12");
			Path certificate = directory.resolve(alias + ".pem");
			Path chainPem = directory.resolve(alias + "-fullchain.pem");
			Path key = directory.resolve(alias + "-key.pem");
			String encodedKey = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
				.encodeToString(privateKey(workStore, alias).getEncoded());
			// written to fresh files, then moved: a watcher of these paths never reads half a file
			Files.writeString(directory.resolve(alias + "-key.tmp"),
					"-----BEGIN PRIVATE KEY-----\n" + encodedKey + "\n-----END PRIVATE KEY-----\n");
			Files.move(directory.resolve(alias + "-key.tmp"), key, StandardCopyOption.REPLACE_EXISTING);
			Files.move(signed, certificate, StandardCopyOption.REPLACE_EXISTING);
			Files.move(chain, chainPem, StandardCopyOption.REPLACE_EXISTING);
			Files.move(workStore, keyStore, StandardCopyOption.REPLACE_EXISTING);
			return new IssuedCertificate(keyStore, certificate, chainPem, key);
		}

		/** Key managers presenting this certificate, for a test's own grpc-java peer. */
		public KeyManagerFactory keyManagers() {
			try (InputStream in = Files.newInputStream(this.keyStore)) {
				KeyStore store = KeyStore.getInstance("PKCS12");
				store.load(in, PASSWORD.toCharArray());
				KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
				factory.init(store, PASSWORD.toCharArray());
				return factory;
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			catch (GeneralSecurityException ex) {
				throw new IllegalStateException(ex);
			}
		}

		/** The serial number of the certificate as it is on disk now. */
		public BigInteger serial() {
			try (InputStream in = Files.newInputStream(this.certificatePem)) {
				return ((X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in))
					.getSerialNumber();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			catch (GeneralSecurityException ex) {
				throw new IllegalStateException(ex);
			}
		}

		private static Key privateKey(Path store, String alias) {
			try (InputStream in = Files.newInputStream(store)) {
				KeyStore keyStore = KeyStore.getInstance("PKCS12");
				keyStore.load(in, PASSWORD.toCharArray());
				return keyStore.getKey(alias, PASSWORD.toCharArray());
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			catch (GeneralSecurityException ex) {
				throw new IllegalStateException(ex);
			}
		}

	}

}
