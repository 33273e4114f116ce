package dev.triplestream.test.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.MergedContextConfiguration;

import dev.triplestream.client.ChannelTarget;
import dev.triplestream.client.LeakDetection;
import dev.triplestream.client.TripleClientsRegistrar;

/**
 * Switches a test context's Triple server and channels to an in-process server name of its own:
 * see {@link AutoConfigureTripleInProcess}.
 * <p>
 * The name is drawn when the context is customised, not when the customiser is made, so that
 * customisers of equal settings are equal (the context cache shares a context between tests that
 * would get equal contexts) while every context still gets a name of its own. The channel names are
 * read from the environment at that point, when a Spring Boot test's configuration files have been
 * loaded.
 */
final class TripleInProcessContextCustomizer implements ContextCustomizer {

	/** The name of the property source holding the switched properties. */
	static final String PROPERTY_SOURCE_NAME = "triplestreamInProcessTest";

	/** The start of every in-process server name drawn for a test context. */
	static final String NAME_PREFIX = "triplestream-test-";

	static final String IN_PROCESS_NAME_PROPERTY = "triple.server.in-process-name";

	private final LeakDetection leakDetection;

	TripleInProcessContextCustomizer(LeakDetection leakDetection) {
		this.leakDetection = leakDetection;
	}

	@Override
	public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
		ConfigurableEnvironment environment = context.getEnvironment();
		String name = NAME_PREFIX + UUID.randomUUID();
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put(IN_PROCESS_NAME_PROPERTY, name);
		properties.put("triple.server.port", -1);
		properties.put("triple.client.leak-detection", this.leakDetection.name().toLowerCase(Locale.ROOT));
		for (String channel : TripleClientsRegistrar.channelNames(environment)) {
			properties.put("triple.client.channels." + channel + ".target", ChannelTarget.IN_PROCESS_PREFIX + name);
		}
		environment.getPropertySources().addFirst(new MapPropertySource(PROPERTY_SOURCE_NAME, properties));
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof TripleInProcessContextCustomizer customizer
				&& this.leakDetection == customizer.leakDetection;
	}

	@Override
	public int hashCode() {
		return TripleInProcessContextCustomizer.class.hashCode() * 31 + this.leakDetection.hashCode();
	}

}
