package dev.triplestream.actuate;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.jayway.jsonpath.JsonPath;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.triplestream.autoconfigure.StreamRegistryAutoConfiguration;
import dev.triplestream.autoconfigure.TripleChannelsAutoConfiguration;
import dev.triplestream.autoconfigure.TripleClientsAutoConfiguration;
import dev.triplestream.autoconfigure.TripleMetricsAutoConfiguration;
import dev.triplestream.autoconfigure.TripleServerAutoConfiguration;
import dev.triplestream.autoconfigure.clients.ClientsPackage;
import dev.triplestream.autoconfigure.clients.EchoClient;
import dev.triplestream.client.BidiStream;
import dev.triplestream.test.v1.EchoRequest;
import dev.triplestream.test.v1.EchoResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Grafana dashboard under {@code docs/grafana} queries only metrics and labels that a real
 * application exports in Prometheus naming: its queries checked against a Prometheus scrape after
 * real calls.
 */
class DashboardMetricsTests {

	private static final Path DASHBOARD = Path.of("..", "docs", "grafana", "triplestream-dashboard.json");

	private static final Pattern METRIC = Pattern.compile("\\b((?:triple|grpc)_[a-z_]+)\\b");

	private static final Pattern GROUPING = Pattern.compile("by \\(([a-z_, ]+)\\)");

	private final String name = "dashboard-" + UUID.randomUUID();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(StreamRegistryAutoConfiguration.class,
				TripleChannelsAutoConfiguration.class, TripleClientsAutoConfiguration.class,
				TripleServerAutoConfiguration.class, TripleMetricsAutoConfiguration.class,
				ObservationAutoConfiguration.class, MetricsAutoConfiguration.class,
				CompositeMeterRegistryAutoConfiguration.class, PrometheusMetricsExportAutoConfiguration.class))
		.withUserConfiguration(ClientsPackage.class)
		.withBean(TripleObservabilityTests.Echo.class, TripleObservabilityTests.Echo::new)
		.withPropertyValues("triple.server.port=-1", "triple.server.in-process-name=" + this.name,
				"triple.client.channels.echo.target=in-process:" + this.name);

	@Test
	void everyMetricAndLabelTheDashboardQueriesIsExported() throws Exception {
		List<String> queries = JsonPath.read(Files.readString(DASHBOARD), "$.panels[*].targets[*].expr");
		assertThat(queries).isNotEmpty();
		this.runner.run((context) -> {
			PrometheusMeterRegistry prometheus = context.getBean(PrometheusMeterRegistry.class);
			EchoClient client = context.getBean(EchoClient.class);
			client.echo(EchoRequest.newBuilder().setText("x").build());
			try (BidiStream<EchoRequest, EchoResponse> open = client.chat()) {
				open.send(EchoRequest.newBuilder().setText("a").build());
				open.receive();
				await().untilAsserted(() -> {
					String scrape = prometheus.scrape();
					for (String query : queries) {
						String selectorsAndGroupingsRemoved = query.replaceAll("by \\([^)]*\\)", "")
							.replaceAll("\\{[^}]*\\}", "");
						for (String metric : matches(METRIC, selectorsAndGroupingsRemoved)) {
							assertThat(scrape).as("metric %s of query %s", metric, query).containsPattern(
									"(?m)^" + Pattern.quote(metric) + "\\{");
						}
						for (String group : matches(GROUPING, query)) {
							for (String label : group.split(",\\s*")) {
								assertThat(scrape).as("label %s of query %s", label, query)
									.containsPattern("[{,]" + Pattern.quote(label) + "=\"");
							}
						}
					}
				});
			}
		});
	}

	private static Set<String> matches(Pattern pattern, String text) {
		Set<String> found = new LinkedHashSet<>();
		Matcher matcher = pattern.matcher(text);
		while (matcher.find()) {
			found.add(matcher.group(1));
		}
		return found;
	}

}
