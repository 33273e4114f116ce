package dev.triplestream.autoconfigure;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Objects;

import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.annotation.AnnotationAwareOrderComparator;
import org.springframework.core.env.Environment;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.core.io.support.SpringFactoriesLoader.ArgumentResolver;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every configuration mistake fails start-up with an analysis naming the exact property or
 * annotation, as Spring Boot prints it: each from a context that fails for that reason, analysed by
 * every failure analyzer on the class path, in Spring Boot's order.
 */
class TripleFailureAnalyzersTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(StreamRegistryAutoConfiguration.class, SslAutoConfiguration.class,
				TripleChannelsAutoConfiguration.class, TripleClientsAutoConfiguration.class,
				TripleServerAutoConfiguration.class));

	private final ApplicationContextRunner withChannel = this.runner
		.withPropertyValues("triple.client.channels.echo.target=localhost:1");

	@Test
	void unknownChannelInTripleClient() {
		FailureAnalysis analysis = analyze(
				this.withChannel.withUserConfiguration(TripleClientsAutoConfigurationTests.UnknownChannel.class));
		assertThat(analysis.getDescription()).contains("UnknownChannelClient uses channel 'nope'")
			.contains("configured channels: echo");
		assertThat(analysis.getAction()).contains("triple.client.channels.nope.target")
			.contains("@TripleClient(channel = \"nope\")");
	}

	@Test
	void unsupportedMethodShape() {
		FailureAnalysis analysis = analyze(
				this.withChannel.withUserConfiguration(TripleClientsAutoConfigurationTests.BadShape.class));
		assertThat(analysis.getDescription()).contains("BadShapeClient").contains("Method echo");
		assertThat(analysis.getAction()).contains("@TripleClient").contains("@TripleMethod");
	}

	@Test
	void malformedTarget() {
		FailureAnalysis analysis = analyze(this.runner.withPropertyValues("triple.client.channels.echo.target=in-process:"));
		assertThat(analysis.getDescription()).contains("'triple.client.channels.echo.target'")
			.contains("in-process target needs a server name");
		assertThat(analysis.getAction()).contains("triple.client.channels.echo.target");
	}

	@Test
	void unknownScheme() {
		FailureAnalysis analysis = analyze(
				this.runner.withPropertyValues("triple.client.channels.echo.target=nope:///host:1"));
		assertThat(analysis.getDescription()).contains("'triple.client.channels.echo.target'")
			.contains("unknown scheme 'nope'");
		assertThat(analysis.getAction()).contains("triple.client.channels.echo.target");
	}

	@Test
	void unknownSslBundle() {
		FailureAnalysis analysis = analyze(this.withChannel.withPropertyValues("triple.client.channels.echo.ssl.bundle=missing"));
		assertThat(analysis.getDescription()).contains("'missing'")
			.contains("'triple.client.channels.echo.ssl.bundle'")
			.contains("SSL bundle");
		assertThat(analysis.getAction()).contains("triple.client.channels.echo.ssl.bundle");
	}

	@Test
	void unknownLoadBalancingPolicy() {
		FailureAnalysis analysis = analyze(
				this.withChannel.withPropertyValues("triple.client.channels.echo.load-balancing-policy=fastest"));
		assertThat(analysis.getDescription()).contains("'fastest'")
			.contains("'triple.client.channels.echo.load-balancing-policy'")
			.contains("round_robin");
		assertThat(analysis.getAction()).contains("triple.client.channels.echo.load-balancing-policy");
	}

	@Test
	void badDuration() {
		FailureAnalysis analysis = analyze(this.runner.withBean(TripleServerAutoConfigurationTests.EchoService.class)
			.withPropertyValues("triple.server.shutdown.grace-period=forever"));
		assertThat(analysis.getDescription()).contains("'forever'")
			.contains("'triple.server.shutdown.grace-period'")
			.contains("Duration");
		assertThat(analysis.getAction()).contains("triple.server.shutdown.grace-period").contains("30s");
	}

	@Test
	void badSize() {
		FailureAnalysis analysis = analyze(
				this.withChannel.withPropertyValues("triple.client.channels.echo.max-inbound-message-size=lots"));
		assertThat(analysis.getDescription()).contains("'lots'")
			.contains("'triple.client.channels.echo.max-inbound-message-size'")
			.contains("DataSize");
		assertThat(analysis.getAction()).contains("triple.client.channels.echo.max-inbound-message-size")
			.contains("4MB");
	}

	@Test
	void portInUse() throws Exception {
		try (ServerSocket taken = new ServerSocket()) {
			taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
			FailureAnalysis analysis = analyze(this.runner.withBean(TripleServerAutoConfigurationTests.EchoService.class)
				.withPropertyValues("triple.server.address=127.0.0.1", "triple.server.port=" + taken.getLocalPort()));
			assertThat(analysis.getDescription()).contains("Port " + taken.getLocalPort() + " was already in use");
			assertThat(analysis.getAction()).contains("triple.server.port");
		}
	}

	@Test
	void duplicateServiceNames() {
		FailureAnalysis analysis = analyze(this.runner
			.withBean("first", TripleServerAutoConfigurationTests.EchoService.class)
			.withBean("second", TripleServerAutoConfigurationTests.EchoService.class)
			.withPropertyValues("triple.server.port=0"));
		assertThat(analysis.getDescription()).contains("'triplestream.test.v1.EchoService'")
			.contains("'first'")
			.contains("'second'");
		assertThat(analysis.getAction()).contains("triple.server.register-all-bindable-services")
			.contains("@TripleService");
	}

	/** The analysis Spring Boot would print for the context's start-up failure. */
	private static FailureAnalysis analyze(ApplicationContextRunner runner) {
		Throwable[] failure = new Throwable[1];
		runner.run((context) -> failure[0] = context.getStartupFailure());
		assertThat(failure[0]).as("start-up failure").isNotNull();
		ArgumentResolver arguments = ArgumentResolver.of(BeanFactory.class, new DefaultListableBeanFactory())
			.and(Environment.class, new StandardEnvironment());
		List<FailureAnalyzer> analyzers = SpringFactoriesLoader
			.forDefaultResourceLocation(TripleFailureAnalyzersTests.class.getClassLoader())
			.load(FailureAnalyzer.class, arguments,
					// As Spring Boot does: an analyzer whose dependencies are missing is skipped.
					SpringFactoriesLoader.FailureHandler.logging(LogFactory.getLog(TripleFailureAnalyzersTests.class)));
		AnnotationAwareOrderComparator.sort(analyzers);
		FailureAnalysis analysis = analyzers.stream()
			.map((analyzer) -> analyzer.analyze(failure[0]))
			.filter(Objects::nonNull)
			.findFirst()
			.orElse(null);
		assertThat(analysis).as("analysis of %s", failure[0]).isNotNull();
		return analysis;
	}

}
