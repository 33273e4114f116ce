package dev.triplestream.interop;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryNTimes;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.triplestream.interop.server.InteropServerApplication;
import dev.triplestream.interop.server.StarterInteropService;
import dev.triplestream.registry.DubboUrl;
import dev.triplestream.server.TripleServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An Apache Dubbo 3.3.6 consumer (a JVM of its own) given only a ZooKeeper registry (Curator's
 * TestingServer, in this JVM) finds a {@code @TripleService} bean of the starter that the starter's
 * server registered there ({@code triple.server.registry.address}), and streams to it; when that
 * server shuts down, it leaves the registry first and the consumer stops calling it while it still
 * serves.
 * <p>
 * The server binds and advertises 127.0.0.1; the consumer runs with
 * {@link DubboProcess#LOOPBACK_ONLY}, without which Dubbo dials the machine's first non-loopback
 * address instead of a registered 127.0.0.1, as it does with a direct URL (README, "Talking to
 * Dubbo").
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class DubboConsumerFindsStarterInZookeeperTests {

	/** The Java interface Dubbo's IDL code generation makes for interop.proto's service. */
	private static final String INTERFACE = "dev.triplestream.interop.v1.InteropService";

	private static final String PROVIDERS = "/dubbo/" + INTERFACE + "/providers";

	private static TestingServer zookeeper;

	private static CuratorFramework curator;

	@BeforeAll
	static void startZookeeper() throws Exception {
		zookeeper = new TestingServer(true);
		curator = CuratorFrameworkFactory.newClient(zookeeper.getConnectString(), new RetryNTimes(10, 100));
		curator.start();
	}

	@AfterAll
	static void stopZookeeper() throws Exception {
		if (curator != null) {
			curator.close();
		}
		if (zookeeper != null) {
			zookeeper.close();
		}
	}

	@Test
	void dubboConsumerWithOnlyTheRegistryStreamsToTheStarterServiceAndHalfCloseGetsOk() throws Exception {
		try (ConfigurableApplicationContext server = serverApplication("0s")) {
			awaitRegistered(server);
			try (DubboProcess consumer = DubboProcess.consumer(registryAddress(), "-", "-")) {
				consumer.send("open Chat found");
				consumer.send("send 1 found");
				consumer.send("send 2 in-zookeeper");
				consumer.awaitEvent("found reply 1 starter: found");
				consumer.awaitEvent("found reply 2 starter: in-zookeeper");
				consumer.send("half-close");
				consumer.awaitEvent("found completed");
				assertThat(consumer.events()).filteredOn((event) -> event.startsWith("found "))
					.containsExactly("found reply 1 starter: found", "found reply 2 starter: in-zookeeper",
							"found reply 2 bye", "found completed");
				assertThat(server.getBean(StarterInteropService.class).events()).contains("found half-closed",
						"found completed");
			}
		}
	}

	/**
	 * The announce period is long, so that the server still serves while the consumer, having seen
	 * the node go, finds no provider: what ends the consumer's calls is the registry, not a refused
	 * connection.
	 */
	@Test
	void serverShuttingDownLeavesTheRegistryAndTheDubboConsumerFindsNoProviderWhileItStillServes()
			throws Exception {
		ConfigurableApplicationContext server = serverApplication("10s");
		CompletableFuture<Void> closed = null;
		awaitRegistered(server);
		try (DubboProcess consumer = DubboProcess.consumer(registryAddress(), "-", "-")) {
			assertThat(call(consumer, "before")).isEqualTo("before reply 1 starter: before");
			StarterInteropService service = server.getBean(StarterInteropService.class);
			closed = CompletableFuture.runAsync(server::close);
			await().atMost(DubboProcess.PATIENCE).until(() -> curator.getChildren().forPath(PROVIDERS).isEmpty());
			AtomicInteger attempt = new AtomicInteger();
			String failure = await().atMost(DubboProcess.PATIENCE)
				.until(() -> call(consumer, "after-" + attempt.incrementAndGet()), (outcome) -> !outcome.contains(" reply "));
			assertThat(closed).isNotDone();
			assertThat(server.getBean(TripleServer.class).isRunning()).isTrue();
			assertThat(failure).contains("No provider available").contains(INTERFACE);
			String last = "after-" + attempt.get();
			assertThat(service.events()).noneMatch((event) -> event.startsWith(last + " "));
		}
		finally {
			(closed != null ? closed : CompletableFuture.runAsync(server::close)).get(1, TimeUnit.MINUTES);
		}
	}

	/**
	 * Opens a Chat stream labelled {@code label}, sends one note and returns what came first: its
	 * reply, its error, or the failure of the command; half-closes a stream that answered.
	 */
	private static String call(DubboProcess consumer, String label) {
		int seen = consumer.events().size();
		consumer.send("open Chat " + label);
		consumer.send("send 1 " + label);
		String outcome = consumer.awaitEvent((event) -> event.startsWith(label + " ")
				|| (event.startsWith("command-failed") && consumer.events().indexOf(event) >= seen));
		if (outcome.contains(" reply ")) {
			consumer.send("half-close");
			consumer.awaitEvent((event) -> event.startsWith(label + " completed") || event.startsWith(label + " error"));
		}
		return outcome;
	}

	/** Waits until the server's one provider URL is in ZooKeeper, and returns it. */
	private static DubboUrl awaitRegistered(ConfigurableApplicationContext server) throws Exception {
		int port = server.getBean(TripleServer.class).getPort();
		String node = await().atMost(DubboProcess.PATIENCE)
			.until(() -> (curator.checkExists().forPath(PROVIDERS) != null) ? curator.getChildren().forPath(PROVIDERS)
					: List.<String>of(), (nodes) -> nodes.size() == 1)
			.get(0);
		DubboUrl url = DubboUrl.fromNodeName(node);
		assertThat(url.protocol()).isEqualTo("tri");
		assertThat(url.host()).isEqualTo("127.0.0.1");
		assertThat(url.port()).isEqualTo(port);
		assertThat(url.serviceInterface()).isEqualTo(INTERFACE);
		return url;
	}

	private static String registryAddress() {
		return "zookeeper://" + zookeeper.getConnectString();
	}

	private static ConfigurableApplicationContext serverApplication(String announcePeriod) {
		return new SpringApplicationBuilder(InteropServerApplication.class).web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off", "triple.server.port=0", "triple.server.address=127.0.0.1",
					"triple.server.registry.address=zookeeper://" + zookeeper.getConnectString(),
					"triple.server.shutdown.announce-period=" + announcePeriod,
					"triple.server.shutdown.grace-period=5s")
			.run();
	}

}
