package dev.triplestream.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;

/**
 * A self-signed certificate for {@code localhost} and {@code 127.0.0.1}, made with the JDK's
 * {@code keytool} into a temporary directory the first time a test asks for it.
 */
final class TestCertificates {

	static final String PASSWORD = "triple-test";

	private static TestCertificates instance;

	private final Path keyStore;

	private final Path certificate;

	private TestCertificates(Path directory) throws IOException, InterruptedException {
		this.keyStore = directory.resolve("server.p12");
		this.certificate = directory.resolve("server.pem");
		keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
				"-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore",
				this.keyStore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD);
		keytool("-exportcert", "-rfc", "-alias", "server", "-keystore", this.keyStore.toString(), "-storepass",
				PASSWORD, "-file", this.certificate.toString());
	}

	static synchronized TestCertificates get() {
		if (instance == null) {
			try {
				Path directory = Files.createTempDirectory("triple-certs");
				directory.toFile().deleteOnExit();
				instance = new TestCertificates(directory);
				instance.keyStore.toFile().deleteOnExit();
				instance.certificate.toFile().deleteOnExit();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}
		return instance;
	}

	private static void keytool(String... arguments) throws IOException, InterruptedException {
		Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
		List<String> command = new java.util.ArrayList<>(List.of(keytool.toString()));
		command.addAll(List.of(arguments));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
			throw new IllegalStateException("keytool " + arguments[0] + " failed: " + output);
		}
	}

	/** The PKCS12 key store holding the private key and certificate, alias {@code server}. */
	Path keyStore() {
		return this.keyStore;
	}

	/** A {@code file:} location of the PEM certificate, for a Spring Boot PEM bundle's trust store. */
	String certificateLocation() {
		return "file:" + this.certificate;
	}

	/** Key managers presenting the certificate, for a test server. */
	KeyManagerFactory keyManagers() {
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

}
