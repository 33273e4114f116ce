package dev.triplestream.autoconfigure;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.net.URL;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.UrlResource;
import org.springframework.core.io.support.PropertiesLoaderUtils;
import org.springframework.util.StringUtils;
import org.springframework.util.unit.DataSize;

import dev.triplestream.server.TripleServer;
import dev.triplestream.server.TripleServerBuilderCustomizer;
import dev.triplestream.server.TripleServerPortInUseException;
import dev.triplestream.server.TripleService;
import dev.triplestream.stream.StreamRegistry;
import dev.triplestream.test.v1.EchoRequest;
import dev.triplestream.test.v1.EchoResponse;
import dev.triplestream.test.v1.EchoServiceGrpc;
import dev.triplestream.test.v1.PingRequest;
import dev.triplestream.test.v1.PingResponse;
import dev.triplestream.test.v1.PingServiceGrpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class TripleServerAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(StreamRegistryAutoConfiguration.class, SslAutoConfiguration.class,
				TripleServerAutoConfiguration.class))
		.withPropertyValues("triple.server.port=0");

	private final List<ManagedChannel> channels = new CopyOnWriteArrayList<>();

	@AfterEach
	void closeChannels() {
		this.channels.forEach(ManagedChannel::shutdownNow);
	}

	@Test
	void noServiceBeanMeansNoServer() {
		this.runner.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(TripleServer.class));
	}

	@Test
	void disabledMeansNoServer() {
		this.runner.withUserConfiguration(AnnotatedEcho.class)
			.withPropertyValues("triple.server.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(TripleServer.class));
	}

	@Test
	void backsOffForUserServer() {
		this.runner.withUserConfiguration(AnnotatedEcho.class, UserServer.class).run((context) -> {
			assertThat(context).hasSingleBean(TripleServer.class);
			assertThat(context).getBean("myServer").isSameAs(context.getBean(TripleServer.class));
			assertThat(context.getBean(TripleServer.class).getInProcessName()).isEqualTo("user-defined");
		});
	}

	@Test
	void bindsEveryProperty() {
		String name = uniqueName();
		this.runner.withUserConfiguration(AnnotatedEcho.class)
			.withPropertyValues("triple.server.address=127.0.0.1", "triple.server.in-process-name=" + name,
					"triple.server.register-all-bindable-services=false", "triple.server.max-inbound-message-size=2MB",
					"triple.server.max-inbound-metadata-size=16KB",
					"triple.server.max-concurrent-calls-per-connection=50", "triple.server.keepalive.time=45s",
					"triple.server.keepalive.timeout=5s", "triple.server.permit-keepalive-time=20s",
					"triple.server.permit-keepalive-without-calls=true", "triple.server.shutdown.grace-period=7s",
					"triple.server.ssl.client-auth=none")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				TripleServerProperties properties = context.getBean(TripleServerProperties.class);
				assertThat(properties.isEnabled()).isTrue();
				assertThat(properties.getPort()).isZero();
				assertThat(properties.getAddress()).isEqualTo(InetAddress.getByName("127.0.0.1"));
				assertThat(properties.getInProcessName()).isEqualTo(name);
				assertThat(properties.isRegisterAllBindableServices()).isFalse();
				assertThat(properties.getMaxInboundMessageSize()).isEqualTo(DataSize.ofMegabytes(2));
				assertThat(properties.getMaxInboundMetadataSize()).isEqualTo(DataSize.ofKilobytes(16));
				assertThat(properties.getMaxConcurrentCallsPerConnection()).isEqualTo(50);
				assertThat(properties.getKeepalive().getTime()).isEqualTo(Duration.ofSeconds(45));
				assertThat(properties.getKeepalive().getTimeout()).isEqualTo(Duration.ofSeconds(5));
				assertThat(properties.getPermitKeepaliveTime()).isEqualTo(Duration.ofSeconds(20));
				assertThat(properties.isPermitKeepaliveWithoutCalls()).isTrue();
				assertThat(properties.getShutdown().getGracePeriod()).isEqualTo(Duration.ofSeconds(7));
				assertThat(properties.getSsl().getClientAuth()).isEqualTo(TripleServerProperties.ClientAuth.NONE);
				TripleServer server = context.getBean(TripleServer.class);
				assertThat(server.getGracePeriod()).isEqualTo(Duration.ofSeconds(7));
				assertThat(server.getPort()).isPositive();
				assertThat(context.getEnvironment().getProperty(TripleServer.LOCAL_PORT_PROPERTY, Integer.class))
					.isEqualTo(server.getPort());
				assertThat(echo(inProcess(name), "bound")).isEqualTo("bound");
			});
	}

	@Test
	void defaults() {
		TripleServerProperties properties = new TripleServerProperties();
		assertThat(properties.isEnabled()).isTrue();
		assertThat(properties.getPort()).isEqualTo(9090);
		assertThat(properties.getAddress()).isNull();
		assertThat(properties.getInProcessName()).isNull();
		assertThat(properties.isRegisterAllBindableServices()).isTrue();
		assertThat(properties.getShutdown().getGracePeriod()).isEqualTo(Duration.ofSeconds(30));
		assertThat(properties.getSsl().getBundle()).isNull();
		assertThat(properties.getSsl().getClientAuth()).isEqualTo(TripleServerProperties.ClientAuth.NONE);
		// a client gone silently is noticed within 5m20s, not gRPC's 2 hours
		assertThat(properties.getKeepalive().getTime()).isEqualTo(Duration.ofMinutes(5));
		assertThat(properties.getKeepalive().getTimeout()).isEqualTo(Duration.ofSeconds(20));
		assertThat(properties.getPermitKeepaliveTime()).isNull();
	}

	@Test
	void maxInboundMessageSizeIsEnforced() {
		String name = uniqueName();
		// The limit applies to the network server: reach it over loopback.
		this.runner.withUserConfiguration(AnnotatedEcho.class)
			.withPropertyValues("triple.server.in-process-name=" + name, "triple.server.max-inbound-message-size=1KB")
			.run((context) -> {
				ManagedChannel channel = loopback(context.getBean(TripleServer.class).getPort());
				assertThat(echo(channel, "small")).isEqualTo("small");
				assertThatExceptionOfType(StatusRuntimeException.class).isThrownBy(() -> echo(channel, "x".repeat(2048)))
					.satisfies((ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
			});
	}

	@Test
	void servesEveryBindableServiceByDefault() {
		String name = uniqueName();
		this.runner.withUserConfiguration(AnnotatedEcho.class, PlainPing.class)
			.withPropertyValues("triple.server.in-process-name=" + name)
			.run((context) -> {
				ManagedChannel channel = inProcess(name);
				assertThat(echo(channel, "hello")).isEqualTo("hello");
				assertThat(ping(channel)).isEqualTo("pong");
			});
	}

	@Test
	void servesOnlyAnnotatedServicesWhenRegisterAllIsOff() {
		String name = uniqueName();
		this.runner.withUserConfiguration(AnnotatedEcho.class, PlainPing.class)
			.withPropertyValues("triple.server.in-process-name=" + name,
					"triple.server.register-all-bindable-services=false")
			.run((context) -> {
				assertThat(context.getBean(TripleServer.class).getServices()).extracting("beanName")
					.containsExactly("annotatedEcho");
				ManagedChannel channel = inProcess(name);
				assertThat(echo(channel, "hello")).isEqualTo("hello");
				assertThatExceptionOfType(StatusRuntimeException.class).isThrownBy(() -> ping(channel))
					.satisfies((ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED));
			});
	}

	@Test
	void appliesGlobalInterceptorsInOrderThenPerServiceOnes() {
		String name = uniqueName();
		this.runner.withUserConfiguration(InterceptedServices.class)
			.withPropertyValues("triple.server.in-process-name=" + name)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				Journal journal = context.getBean(Journal.class);
				ManagedChannel channel = inProcess(name);
				assertThat(echo(channel, "hi")).isEqualTo("hi");
				assertThat(journal.entries).containsExactly("first", "second", "service-bean", "service-new");
				journal.entries.clear();
				assertThat(ping(channel)).isEqualTo("pong");
				// The interceptor bean named by EchoService's annotation is not applied server-wide.
				assertThat(journal.entries).containsExactly("first", "second");
			});
	}

	@Test
	void appliesCustomizersInOrder() {
		String name = uniqueName();
		this.runner.withUserConfiguration(AnnotatedEcho.class, Customizers.class)
			.withPropertyValues("triple.server.in-process-name=" + name)
			.run((context) -> {
				Journal journal = context.getBean(Journal.class);
				// Each customizer sees the network builder, then the in-process one.
				assertThat(journal.entries).containsExactly("a:NettyServerBuilder", "b:NettyServerBuilder",
						"a:InProcessServerBuilder", "b:InProcessServerBuilder");
			});
	}

	@Test
	void failsOnTwoBeansWithTheSameService() {
		this.runner.withUserConfiguration(AnnotatedEcho.class, SecondEcho.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("triplestream.test.v1.EchoService")
				.hasMessageContaining("'annotatedEcho'")
				.hasMessageContaining("'secondEcho'");
		});
	}

	@Test
	void failsOnAnnotatedBeanThatIsNoService() {
		this.runner.withUserConfiguration(AnnotatedEcho.class, NotAService.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("'notAService'")
				.hasMessageContaining("not a BindableService");
		});
	}

	@Test
	void failsNamingThePortPropertyWhenThePortIsInUse() throws IOException {
		try (ServerSocket taken = new ServerSocket()) {
			taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
			int port = taken.getLocalPort();
			this.runner.withUserConfiguration(AnnotatedEcho.class)
				.withPropertyValues("triple.server.port=" + port, "triple.server.address=127.0.0.1")
				.run((context) -> {
					assertThat(context).hasFailed();
					Throwable failure = context.getStartupFailure();
					TripleServerPortInUseException portInUse = findCause(failure, TripleServerPortInUseException.class);
					assertThat(portInUse.getPort()).isEqualTo(port);
					assertThat(portInUse).hasMessageContaining("triple.server.port")
						.hasMessageContaining("port " + port);
					FailureAnalysis analysis = analyze(failure);
					assertThat(analysis.getDescription()).contains("Port " + port + " was already in use");
					assertThat(analysis.getAction()).contains("triple.server.port");
				});
		}
	}

	@Test
	void failsNamingThePropertyForAnInvalidPort() {
		this.runner.withUserConfiguration(AnnotatedEcho.class)
			.withPropertyValues("triple.server.port=70000")
			.run((context) -> {
				assertThat(context).hasFailed();
				InvalidConfigurationPropertyValueException ex = findCause(context.getStartupFailure(),
						InvalidConfigurationPropertyValueException.class);
				assertThat(ex.getName()).isEqualTo("triple.server.port");
				assertThat(ex.getValue()).isEqualTo(70000);
			});
	}

	@Test
	void portMinusOneServesInProcessOnly() {
		String name = "in-process-only-" + UUID.randomUUID();
		this.runner.withUserConfiguration(AnnotatedEcho.class)
			.withPropertyValues("triple.server.port=-1", "triple.server.in-process-name=" + name)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				TripleServer server = context.getBean(TripleServer.class);
				assertThat(server.isRunning()).isTrue();
				assertThat(server.getPort()).isEqualTo(-1);
				assertThat(context.getEnvironment().containsProperty(TripleServer.LOCAL_PORT_PROPERTY)).isFalse();
				ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
				try {
					assertThat(EchoServiceGrpc.newBlockingStub(channel)
						.echo(EchoRequest.newBuilder().setText("in-process").build())
						.getText()).contains("in-process");
				}
				finally {
					channel.shutdownNow();
				}
			});
	}

	@Test
	void portMinusOneWithoutAnInProcessNameFailsNamingBothProperties() {
		this.runner.withUserConfiguration(AnnotatedEcho.class)
			.withPropertyValues("triple.server.port=-1")
			.run((context) -> {
				assertThat(context).hasFailed();
				InvalidConfigurationPropertyValueException ex = findCause(context.getStartupFailure(),
						InvalidConfigurationPropertyValueException.class);
				assertThat(ex.getName()).isEqualTo("triple.server.port");
				assertThat(ex.getMessage()).contains("triple.server.in-process-name");
			});
	}

	@Test
	void failsNamingThePropertyForAnUnknownSslBundle() {
		this.runner.withUserConfiguration(AnnotatedEcho.class)
			.withPropertyValues("triple.server.ssl.bundle=missing")
			.run((context) -> {
				assertThat(context).hasFailed();
				InvalidConfigurationPropertyValueException ex = findCause(context.getStartupFailure(),
						InvalidConfigurationPropertyValueException.class);
				assertThat(ex.getName()).isEqualTo("triple.server.ssl.bundle");
				assertThat(ex.getValue()).isEqualTo("missing");
				assertThat(ex.getReason()).contains("No SSL bundle named 'missing'");
			});
	}

	@Test
	void failsNamingThePropertyForAnUnreadableSslBundle() {
		this.runner.withUserConfiguration(AnnotatedEcho.class)
			.withPropertyValues("triple.server.ssl.bundle=broken",
					"spring.ssl.bundle.jks.broken.keystore.location=file:/nonexistent/server.p12",
					"spring.ssl.bundle.jks.broken.keystore.password=secret")
			.run((context) -> {
				assertThat(context).hasFailed();
				InvalidConfigurationPropertyValueException ex = findCause(context.getStartupFailure(),
						InvalidConfigurationPropertyValueException.class);
				assertThat(ex).isNotNull();
				System.out.println("Unreadable bundle failure: " + ex.getName() + ": " + ex.getMessage());
				assertThat(ex.getName()).isEqualTo("triple.server.ssl.bundle");
			});
	}

	@Test
	void clientAuthWithoutBundleFailsNamingBothProperties() {
		this.runner.withUserConfiguration(AnnotatedEcho.class)
			.withPropertyValues("triple.server.ssl.client-auth=require")
			.run((context) -> {
				assertThat(context).hasFailed();
				InvalidConfigurationPropertyValueException ex = findCause(context.getStartupFailure(),
						InvalidConfigurationPropertyValueException.class);
				assertThat(ex.getName()).isEqualTo("triple.server.ssl.client-auth");
				assertThat(ex.getReason()).contains("triple.server.ssl.bundle");
			});
	}

	@Test
	void portInUseAnalyzerIsRegistered() throws IOException {
		Set<String> analyzers = new HashSet<>();
		Enumeration<URL> files = getClass().getClassLoader().getResources("META-INF/spring.factories");
		while (files.hasMoreElements()) {
			Properties factories = PropertiesLoaderUtils.loadProperties(new UrlResource(files.nextElement()));
			analyzers.addAll(StringUtils.commaDelimitedListToSet(factories.getProperty(FailureAnalyzer.class.getName())));
		}
		assertThat(analyzers).contains(TripleServerPortInUseFailureAnalyzer.class.getName());
	}

	private static FailureAnalysis analyze(Throwable failure) {
		return new TripleServerPortInUseFailureAnalyzer().analyze(failure);
	}

	private static <T extends Throwable> T findCause(Throwable failure, Class<T> type) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (type.isInstance(cause)) {
				return type.cast(cause);
			}
		}
		throw new AssertionError("No " + type.getSimpleName() + " in the causes of " + failure, failure);
	}

	private static String uniqueName() {
		return "server-autoconfig-" + UUID.randomUUID();
	}

	private ManagedChannel inProcess(String name) {
		ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
		this.channels.add(channel);
		return channel;
	}

	private ManagedChannel loopback(int port) {
		ManagedChannel channel = io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder.forAddress("127.0.0.1", port)
			.usePlaintext()
			.build();
		this.channels.add(channel);
		return channel;
	}

	private static String echo(ManagedChannel channel, String text) {
		return EchoServiceGrpc.newBlockingStub(channel)
			.withDeadlineAfter(Duration.ofSeconds(10))
			.echo(EchoRequest.newBuilder().setText(text).build())
			.getText();
	}

	private static String ping(ManagedChannel channel) {
		return PingServiceGrpc.newBlockingStub(channel)
			.withDeadlineAfter(Duration.ofSeconds(10))
			.ping(PingRequest.newBuilder().setText("ping").build())
			.getText();
	}

	static class EchoService extends EchoServiceGrpc.EchoServiceImplBase {

		@Override
		public void echo(EchoRequest request, StreamObserver<EchoResponse> responseObserver) {
			responseObserver.onNext(EchoResponse.newBuilder().setText(request.getText()).build());
			responseObserver.onCompleted();
		}

	}

	@TripleService
	static class AnnotatedEchoService extends EchoService {

	}

	static class PingService extends PingServiceGrpc.PingServiceImplBase {

		@Override
		public void ping(PingRequest request, StreamObserver<PingResponse> responseObserver) {
			responseObserver.onNext(PingResponse.newBuilder().setText("pong").build());
			responseObserver.onCompleted();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class AnnotatedEcho {

		@Bean
		AnnotatedEchoService annotatedEcho() {
			return new AnnotatedEchoService();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class SecondEcho {

		@Bean
		EchoService secondEcho() {
			return new EchoService();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PlainPing {

		@Bean
		PingService plainPing() {
			return new PingService();
		}

	}

	@TripleService
	static class NotAServiceBean {

	}

	@Configuration(proxyBeanMethods = false)
	static class NotAService {

		@Bean
		NotAServiceBean notAService() {
			return new NotAServiceBean();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserServer {

		@Bean
		TripleServer myServer(StreamRegistry registry) {
			TripleServer server = new TripleServer(registry, List.of());
			server.setInProcessName("user-defined");
			return server;
		}

	}

	static class Journal {

		final List<String> entries = new CopyOnWriteArrayList<>();

	}

	/** Writes its name to the journal for every call it sees. */
	static class JournalingInterceptor implements ServerInterceptor {

		private final Journal journal;

		private final String name;

		JournalingInterceptor(Journal journal, String name) {
			this.journal = journal;
			this.name = name;
		}

		@Override
		public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
				ServerCallHandler<Q, R> next) {
			this.journal.entries.add(this.name);
			return next.startCall(call, headers);
		}

	}

	/** Named by the echo service and a bean: applied to that service only. */
	static class ServiceBeanInterceptor extends JournalingInterceptor {

		ServiceBeanInterceptor(Journal journal) {
			super(journal, "service-bean");
		}

	}

	/** Named by the echo service and not a bean: instantiated for it. */
	public static class ServiceNewInterceptor extends JournalingInterceptor {

		public ServiceNewInterceptor() {
			super(InterceptedServices.current, "service-new");
		}

	}

	@TripleService(interceptors = { ServiceBeanInterceptor.class, ServiceNewInterceptor.class })
	static class InterceptedEchoService extends EchoService {

	}

	@Configuration(proxyBeanMethods = false)
	static class InterceptedServices {

		/** The journal of the context being created, for the interceptor made outside the context. */
		static volatile Journal current;

		@Bean
		Journal journal() {
			current = new Journal();
			return current;
		}

		@Bean
		InterceptedEchoService interceptedEcho() {
			return new InterceptedEchoService();
		}

		@Bean
		PingService plainPing() {
			return new PingService();
		}

		@Bean
		@Order(2)
		JournalingInterceptor second(Journal journal) {
			return new JournalingInterceptor(journal, "second");
		}

		@Bean
		@Order(1)
		JournalingInterceptor first(Journal journal) {
			return new JournalingInterceptor(journal, "first");
		}

		@Bean
		ServiceBeanInterceptor serviceBeanInterceptor(Journal journal) {
			return new ServiceBeanInterceptor(journal);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Customizers {

		@Bean
		Journal journal() {
			return new Journal();
		}

		@Bean
		@Order(2)
		TripleServerBuilderCustomizer b(Journal journal) {
			return (builder) -> journal.entries.add("b:" + builder.getClass().getSimpleName());
		}

		@Bean
		@Order(1)
		TripleServerBuilderCustomizer a(Journal journal) {
			return (builder) -> journal.entries.add("a:" + builder.getClass().getSimpleName());
		}

	}

}
