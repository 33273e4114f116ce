package dev.triplestream.autoconfigure;

import java.util.Arrays;

import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettySslContextServerCredentials;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.ssl.SslOptions;
import org.springframework.util.StringUtils;

import dev.triplestream.autoconfigure.TripleServerProperties.Ssl;

/**
 * The network server's credentials from {@code triple.server.ssl.*}: plaintext without a bundle,
 * TLS from the named SSL bundle otherwise. Every problem with the bundle fails start-up naming
 * {@value #BUNDLE_PROPERTY}. When the bundle reloads ({@code reload-on-update}), new connections get
 * the renewed key and trust material; open connections and their streams are untouched.
 */
final class TripleServerSslCredentials {

	static final String BUNDLE_PROPERTY = "triple.server.ssl.bundle";

	private TripleServerSslCredentials() {
	}

	static ServerCredentials of(Ssl ssl, SslBundles bundles) {
		String name = ssl.getBundle();
		if (!StringUtils.hasText(name)) {
			if (ssl.getClientAuth() != TripleServerProperties.ClientAuth.NONE) {
				throw new InvalidConfigurationPropertyValueException("triple.server.ssl.client-auth",
						ssl.getClientAuth(), "Client authentication needs TLS: set " + BUNDLE_PROPERTY + " too");
			}
			return InsecureServerCredentials.create();
		}
		if (bundles == null) {
			throw new InvalidConfigurationPropertyValueException(BUNDLE_PROPERTY, name,
					"No SSL bundles are available (configure them under spring.ssl.bundle)");
		}
		SslBundle bundle;
		try {
			bundle = bundles.getBundle(name);
		}
		catch (NoSuchSslBundleException ex) {
			throw invalid(name, "No SSL bundle named '" + name + "' is configured under spring.ssl.bundle"
					+ " (configured: " + bundles.getBundleNames() + ")", ex);
		}
		try {
			if (bundle.getStores() == null || bundle.getStores().getKeyStore() == null) {
				throw invalid(name, "SSL bundle '" + name + "' has no key store: the server needs a key and certificate",
						null);
			}
			// the TLS context outlives bundle reloads: new handshakes use the renewed certificates
			BundleSslManagers managers = BundleSslManagers.of(name, "the Triple server", bundle, bundles);
			SslContextBuilder builder = GrpcSslContexts.configure(SslContextBuilder.forServer(managers.keyManager()));
			if (ssl.getClientAuth() != TripleServerProperties.ClientAuth.NONE) {
				builder.trustManager(managers.trustManager());
				builder.clientAuth((ssl.getClientAuth() == TripleServerProperties.ClientAuth.REQUIRE) ? ClientAuth.REQUIRE
						: ClientAuth.OPTIONAL);
			}
			SslOptions options = bundle.getOptions();
			if (options != null && options.getCiphers() != null) {
				builder.ciphers(Arrays.asList(options.getCiphers()));
			}
			if (options != null && options.getEnabledProtocols() != null) {
				builder.protocols(options.getEnabledProtocols());
			}
			io.grpc.netty.shaded.io.netty.handler.ssl.SslContext context = builder.build();
			managers.invalidateOnReload(context.sessionContext());
			return NettySslContextServerCredentials.create(context);
		}
		catch (InvalidConfigurationPropertyValueException ex) {
			throw ex;
		}
		catch (Exception ex) {
			throw invalid(name, "SSL bundle '" + name + "' cannot be used for the server: " + ex.getMessage(), ex);
		}
	}

	private static InvalidConfigurationPropertyValueException invalid(String name, String reason, Throwable cause) {
		InvalidConfigurationPropertyValueException ex = new InvalidConfigurationPropertyValueException(BUNDLE_PROPERTY,
				name, reason);
		if (cause != null) {
			ex.initCause(cause);
		}
		return ex;
	}

}
