package dev.triplestream.registry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryNTimes;
import org.apache.curator.test.TestingServer;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.apache.curator.x.discovery.details.JsonInstanceSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.discovery.event.HeartbeatEvent;
import org.springframework.cloud.zookeeper.discovery.ZookeeperInstance;
import org.springframework.cloud.zookeeper.serviceregistry.ServiceInstanceRegistration;
import org.springframework.cloud.zookeeper.serviceregistry.ZookeeperServiceRegistry;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;

import dev.triplestream.client.TripleChannels;
import dev.triplestream.server.TripleServer;
import dev.triplestream.server.TripleService;
import dev.triplestream.test.v1.EchoRequest;
import dev.triplestream.test.v1.EchoResponse;
import dev.triplestream.test.v1.EchoServiceGrpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code discovery:///} channels of a starter application whose Spring Cloud Zookeeper discovery
 * and auto-registration run against a real ZooKeeper (Curator's TestingServer). Providers are real
 * grpc-java servers on loopback, registered through Spring Cloud Zookeeper's own
 * {@link ZookeeperServiceRegistry} in a session of their own, with an instance port that is not
 * theirs, so that only the metadata ports lead to them. The client application registers itself
 * (it has a web server), which is what starts Spring Cloud Zookeeper's watch and so its heartbeats.
 */
@ExtendWith(OutputCaptureExtension.class)
class DiscoveryChannelTests {

	private static TestingServer zookeeper;

	private CuratorFramework providerSession;

	private ZookeeperServiceRegistry providerRegistry;

	private final List<AutoCloseable> closeables = new ArrayList<>();

	@BeforeAll
	static void startZookeeper() throws Exception {
		zookeeper = new TestingServer(true);
	}

	@AfterAll
	static void stopZookeeper() throws Exception {
		zookeeper.close();
	}

	@AfterEach
	void close() throws Exception {
		for (int i = this.closeables.size() - 1; i >= 0; i--) {
			this.closeables.get(i).close();
		}
	}

	@Test
	void channelFollowsTheRegistryByHeartbeatsAndKeepsItsAddressesWhileTheRegistryIsDown(CapturedOutput output)
			throws Exception {
		FakeDubboProvider a = provider("a");
		FakeDubboProvider b = provider("b");
		ServiceInstanceRegistration aRegistration = register("svc", "a", Map.of("triple.port", port(a)));
		register("svc", "b", Map.of("gRPC_port", port(b)));
		ConfigurableApplicationContext client = client("svc");
		EchoServiceGrpc.EchoServiceBlockingStub stub = EchoServiceGrpc
			.newBlockingStub(client.getBean(TripleChannels.class).get("svc"));
		await().atMost(Duration.ofSeconds(30)).until(() -> servedBy(stub, 8).equals(Set.of("a", "b")));
		ZookeeperNameResolverTests.Chat onA = chatOn(client, "a");

		FakeDubboProvider c = provider("c");
		ServiceInstanceRegistration cRegistration = register("svc", "c", Map.of("triple.port", port(c)));
		await().atMost(Duration.ofSeconds(30)).until(() -> servedBy(stub, 9).contains("c"));

		this.providerRegistry.deregister(aRegistration);
		await().atMost(Duration.ofSeconds(30)).until(() -> servedBy(stub, 6).equals(Set.of("b", "c")));
		assertThat(servedBy(stub, 20)).doesNotContain("a");
		// the resolver did not cut the open stream of the instance that left
		assertThat(onA.say("still there")).isEqualTo("a:still there");
		onA.close();

		this.providerRegistry.setStatus(cRegistration, "OUT_OF_SERVICE");
		await().atMost(Duration.ofSeconds(30)).until(() -> servedBy(stub, 6).equals(Set.of("b")));

		zookeeper.stop();
		// no heartbeat comes from a registry that is down: this one makes the channel look up
		client.publishEvent(new HeartbeatEvent(this, "test"));
		await().atMost(Duration.ofSeconds(30))
			.until(() -> output.getOut().contains("Channel 'svc' cannot look up the instances of 'svc'"));
		assertThat(servedBy(stub, 6)).isEqualTo(Set.of("b"));

		zookeeper.restart();
		this.providerRegistry.setStatus(cRegistration, "UP");
		await().atMost(Duration.ofSeconds(30)).until(() -> servedBy(stub, 9).equals(Set.of("b", "c")));
		assertThat(output.getOut()).contains("Channel 'svc' looks up the instances of 'svc' again");
	}

	@Test
	void aServiceWithNoInstanceFailsCallsAndSaysSoUntilOneRegisters(CapturedOutput output) throws Exception {
		ConfigurableApplicationContext client = client("nobody");
		ManagedChannel channel = client.getBean(TripleChannels.class).get("nobody");
		EchoServiceGrpc.EchoServiceBlockingStub stub = EchoServiceGrpc.newBlockingStub(channel);
		// the first call starts the channel's resolution
		assertThat(catchStatus(stub)).isEqualTo(io.grpc.Status.Code.UNAVAILABLE);
		assertThat(output.getOut()).contains("Channel 'nobody': service 'nobody' has no instance");

		FakeDubboProvider late = provider("late");
		register("nobody", "late", Map.of("triple.port", port(late)));
		await().atMost(Duration.ofSeconds(30)).until(() -> servedBy(stub, 2).equals(Set.of("late")));
	}

	@Test
	void aStarterServerPutsItsTriplePortIntoItsSpringCloudRegistration() throws Exception {
		ConfigurableApplicationContext server = start(new SpringApplicationBuilder(EchoServerApplication.class)
			.web(WebApplicationType.SERVLET)
			.properties(common("echo-app"))
			.properties("triple.server.port=0"));
		int triplePort = server.getBean(TripleServer.class).getPort();
		ConfigurableApplicationContext client = client("echo-app");
		List<ServiceInstance> instances = client.getBean(DiscoveryClient.class).getInstances("echo-app");
		assertThat(instances).hasSize(1);
		assertThat(instances.get(0).getMetadata()).containsEntry("triple.port", Integer.toString(triplePort))
			.containsEntry("gRPC_port", Integer.toString(triplePort));
		assertThat(instances.get(0).getPort()).isNotEqualTo(triplePort);
		EchoServiceGrpc.EchoServiceBlockingStub stub = EchoServiceGrpc
			.newBlockingStub(client.getBean(TripleChannels.class).get("echo-app"));
		assertThat(servedBy(stub, 2)).isEqualTo(Set.of("echo-app"));
	}

	private ConfigurableApplicationContext client(String serviceId) {
		return start(new SpringApplicationBuilder(ClientApplication.class).web(WebApplicationType.SERVLET)
			.properties(common("client"))
			.properties("triple.client.channels." + serviceId + ".target=discovery:///" + serviceId,
					"triple.client.channels." + serviceId + ".load-balancing-policy=round_robin"));
	}

	private static String[] common(String name) {
		return new String[] { "spring.application.name=" + name, "server.port=0", "server.address=127.0.0.1",
				"spring.cloud.zookeeper.connect-string=" + zookeeper.getConnectString(),
				"spring.cloud.zookeeper.discovery.instance-host=127.0.0.1",
				"spring.cloud.zookeeper.connection-timeout=2s", "spring.cloud.zookeeper.max-retries=1",
				"spring.cloud.zookeeper.base-sleep-time-ms=50", "triple.client.shutdown.grace-period=1s",
				"triple.server.shutdown.grace-period=1s" };
	}

	private ConfigurableApplicationContext start(SpringApplicationBuilder builder) {
		ConfigurableApplicationContext context = builder.run();
		this.closeables.add(context);
		return context;
	}

	private ServiceInstanceRegistration register(String service, String id, Map<String, String> metadata)
			throws Exception {
		if (this.providerRegistry == null) {
			this.providerSession = CuratorFrameworkFactory.newClient(zookeeper.getConnectString(),
					new RetryNTimes(10, 100));
			this.providerSession.start();
			this.closeables.add(this.providerSession);
			ServiceDiscovery<ZookeeperInstance> discovery = ServiceDiscoveryBuilder.builder(ZookeeperInstance.class)
				.client(this.providerSession)
				.basePath("/services")
				.serializer(new JsonInstanceSerializer<>(ZookeeperInstance.class))
				.build();
			this.providerRegistry = new ZookeeperServiceRegistry(discovery);
			this.providerRegistry.afterSingletonsInstantiated();
			this.closeables.add(this.providerRegistry);
		}
		ServiceInstanceRegistration registration = ServiceInstanceRegistration.builder()
			.defaultUriSpec()
			.address("127.0.0.1")
			// the HTTP port such a registration carries: nothing listens there for gRPC
			.port(9)
			.name(service)
			.id(id)
			.payload(new ZookeeperInstance(id, service, new java.util.HashMap<>(metadata)))
			.build();
		this.providerRegistry.register(registration);
		return registration;
	}

	private FakeDubboProvider provider(String id) throws Exception {
		FakeDubboProvider provider = new FakeDubboProvider(id);
		this.closeables.add(provider);
		return provider;
	}

	private static String port(FakeDubboProvider provider) {
		return Integer.toString(provider.port());
	}

	private static io.grpc.Status.Code catchStatus(EchoServiceGrpc.EchoServiceBlockingStub stub) {
		try {
			stub.withDeadlineAfter(10, TimeUnit.SECONDS).echo(EchoRequest.newBuilder().setText("who").build());
			return io.grpc.Status.Code.OK;
		}
		catch (io.grpc.StatusRuntimeException ex) {
			return ex.getStatus().getCode();
		}
	}

	private static Set<String> servedBy(EchoServiceGrpc.EchoServiceBlockingStub stub, int calls) {
		Set<String> ids = new HashSet<>();
		for (int i = 0; i < calls; i++) {
			String text = stub.withDeadlineAfter(30, TimeUnit.SECONDS)
				.withWaitForReady()
				.echo(EchoRequest.newBuilder().setText("who").build())
				.getText();
			ids.add(text.substring(0, text.indexOf(':')));
		}
		return ids;
	}

	/** Opens chat streams until one lands on the provider {@code id}. */
	private static ZookeeperNameResolverTests.Chat chatOn(ConfigurableApplicationContext client, String id)
			throws Exception {
		ManagedChannel channel = client.getBean(TripleChannels.class).get("svc");
		for (int i = 0; i < 20; i++) {
			ZookeeperNameResolverTests.Chat chat = new ZookeeperNameResolverTests.Chat(channel);
			if (chat.say("hello").startsWith(id + ":")) {
				return chat;
			}
			chat.close();
		}
		throw new AssertionError("no stream reached " + id);
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class ClientApplication {

	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(NamedEcho.class)
	static class EchoServerApplication {

	}

	/** Answers {@code echo-app:text}. */
	@TripleService
	static class NamedEcho extends EchoServiceGrpc.EchoServiceImplBase {

		@Override
		public void echo(EchoRequest request, StreamObserver<EchoResponse> responses) {
			responses.onNext(EchoResponse.newBuilder().setText("echo-app:" + request.getText()).build());
			responses.onCompleted();
		}

	}

}
