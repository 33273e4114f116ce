package dev.triplestream.autoconfigure;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration metadata built with the module (the annotation processor's output merged with
 * the additional metadata): every property is described, and the enumerated ones have hints.
 */
class ConfigurationMetadataTests {

	private static final String METADATA = "META-INF/spring-configuration-metadata.json";

	@Test
	void everyPropertyHasADescription() throws Exception {
		List<Map<String, Object>> properties = JsonPath.read(metadata(), "$.properties");
		assertThat(properties).hasSizeGreaterThan(40);
		List<String> undescribed = new ArrayList<>();
		for (Map<String, Object> property : properties) {
			Object description = property.get("description");
			if (!(description instanceof String text) || text.isBlank()) {
				undescribed.add((String) property.get("name"));
			}
		}
		assertThat(undescribed).as("properties without a description").isEmpty();
	}

	@Test
	void enumeratedValuesHaveHints() throws Exception {
		List<String> hinted = JsonPath.read(metadata(), "$.hints[*].name");
		assertThat(hinted).contains("triple.client.defaults.load-balancing-policy", "triple.server.ssl.client-auth",
				"triple.client.leak-detection", "triple.client.defaults.drain-policy");
	}

	@Test
	void operationsPropertiesHaveTheirDefaults() throws Exception {
		String json = metadata();
		List<String> listed = JsonPath.read(json, "$.properties[*].name");
		Set<String> names = new TreeSet<>(listed);
		assertThat(names).contains("triple.server.shutdown.announce-period", "triple.client.health.failure-threshold",
				"triple.client.observations.enabled", "triple.server.observations.enabled",
				"triple.server.health.enabled", "triple.server.reflection.enabled");
		assertThat(JsonPath.<List<Object>>read(json,
				"$.properties[?(@.name == 'triple.server.reflection.enabled')].defaultValue"))
			.containsExactly(false);
		assertThat(JsonPath.<List<Object>>read(json,
				"$.properties[?(@.name == 'triple.client.health.failure-threshold')].defaultValue"))
			.containsExactly("30s");
	}

	private static String metadata() throws Exception {
		try (InputStream stream = ConfigurationMetadataTests.class.getClassLoader().getResourceAsStream(METADATA)) {
			assertThat(stream).as(METADATA).isNotNull();
			return new String(stream.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
		}
	}

}
