package dev.triplestream.interop.dubbo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.apache.dubbo.config.ApplicationConfig;
import org.apache.dubbo.config.RegistryConfig;
import org.apache.dubbo.config.bootstrap.DubboBootstrap;

/**
 * What the provider and consumer processes share: a Dubbo bootstrap with no registry, no QoS
 * port and quiet logging, and the standard-input loop by which the test drives the process. The
 * process lives as long as its standard input: when the test closes it (or dies), the process
 * exits.
 */
final class DubboPeerApplication {

	/**
	 * Held so that the level set on them stays (java.util.logging keeps loggers weakly). Dubbo's
	 * NetUtils logs a stack trace on every look-up of the local host when every interface is ignored.
	 */
	private static final Logger[] QUIETED = { Logger.getLogger(""),
			Logger.getLogger("org.apache.dubbo.common.utils.NetUtils") };

	private DubboPeerApplication() {
	}

	static DubboBootstrap bootstrap(String name) {
		return bootstrap(name, RegistryConfig.NO_AVAILABLE);
	}

	/**
	 * A bootstrap with a registry, such as {@code zookeeper://127.0.0.1:2181}; Dubbo's default
	 * {@code register-mode=all} registers providers in both layouts (interface and application).
	 */
	static DubboBootstrap bootstrap(String name, String registryAddress) {
		// Dubbo logs through java.util.logging here; its INFO lines would drown the events
		QUIETED[0].setLevel(Boolean.getBoolean("peer.verbose") ? Level.INFO : Level.WARNING);
		QUIETED[1].setLevel(Level.OFF);
		ApplicationConfig application = new ApplicationConfig(name);
		application.setQosEnable(false);
		application.setLogger("jdk");
		return DubboBootstrap.getInstance()
			.application(application)
			.registry(new RegistryConfig(registryAddress));
	}

	/**
	 * Hands every line of standard input to {@code command} until it closes, then exits the process.
	 */
	static void serveCommands(Consumer<String> command) throws IOException {
		BufferedReader input = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
		String line;
		while ((line = input.readLine()) != null) {
			if (!line.isBlank()) {
				command.accept(line.trim());
			}
		}
		PeerEvents.report("exiting");
		System.exit(0);
	}

}
