package dev.triplestream.interop;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryNTimes;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.triplestream.client.BidiStream;
import dev.triplestream.client.EnableTripleClients;
import dev.triplestream.interop.DubboProviderClients.BlueGroup;
import dev.triplestream.interop.DubboProviderClients.DefaultExport;
import dev.triplestream.interop.DubboProviderClients.InteropStreams;
import dev.triplestream.interop.v1.Note;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The starter's {@code zookeeper://} channels find a real Apache Dubbo 3.3.6 provider (a JVM of its
 * own) that registered itself in a real ZooKeeper (Curator's TestingServer, in this JVM) with
 * Dubbo's default {@code register-mode=all}, in each of Dubbo's two layouts on its own: the
 * interface-level provider URLs, and the application-level instance with the groups and versions
 * that the channel fetches from the provider's own metadata service.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class DubboProviderInZookeeperTests {

	private static final String PROVIDERS = "/dubbo/" + DubboProviderClients.SERVICE + "/providers";

	private static final String MAPPING = "/dubbo/mapping/" + DubboProviderClients.SERVICE;

	private static final String INSTANCES = "/services/triplestream-dubbo-provider";

	private static TestingServer zookeeper;

	private static CuratorFramework curator;

	private static DubboProcess provider;

	@BeforeAll
	static void startZookeeperAndProvider() throws Exception {
		zookeeper = new TestingServer(true);
		curator = CuratorFrameworkFactory.newClient(zookeeper.getConnectString(), new RetryNTimes(10, 100));
		curator.start();
		provider = DubboProcess.provider("zookeeper://" + zookeeper.getConnectString());
	}

	@AfterAll
	static void stop() throws Exception {
		if (provider != null) {
			provider.close();
		}
		if (curator != null) {
			curator.close();
		}
		if (zookeeper != null) {
			zookeeper.close();
		}
	}

	@Test
	void streamsToTheDubboProviderThroughEitherLayoutAlone() throws Exception {
		await().atMost(DubboProcess.PATIENCE).until(() -> children(PROVIDERS).size() == 5
				&& children(INSTANCES).size() == 1 && curator.checkExists().forPath(MAPPING) != null);

		// interface-level alone: without the mapping, no application is looked up
		byte[] mapping = curator.getData().forPath(MAPPING);
		curator.delete().forPath(MAPPING);
		try (ConfigurableApplicationContext client = client()) {
			assertThat(firstReply(client.getBean(DefaultExport.class), "interface-level"))
				.isEqualTo("default: interface-level");
			assertThat(firstReply(client.getBean(BlueGroup.class), "interface-level"))
				.isEqualTo("group=blue: interface-level");
		}

		// application-level alone: the mapping back, the provider URLs gone
		curator.create().forPath(MAPPING, mapping);
		for (String node : children(PROVIDERS)) {
			curator.delete().forPath(PROVIDERS + "/" + node);
		}
		try (ConfigurableApplicationContext client = client()) {
			assertThat(firstReply(client.getBean(DefaultExport.class), "application-level"))
				.isEqualTo("default: application-level");
			assertThat(firstReply(client.getBean(BlueGroup.class), "application-level"))
				.isEqualTo("group=blue: application-level");
		}
	}

	private static List<String> children(String path) throws Exception {
		return (curator.checkExists().forPath(path) != null) ? curator.getChildren().forPath(path) : List.of();
	}

	private static String firstReply(InteropStreams client, String text) throws Exception {
		try (BidiStream<Note, Note> chat = client.chat()) {
			chat.send(Note.newBuilder().setSeq(1).setText(text).build());
			return chat.receive(DubboProcess.PATIENCE).getText();
		}
	}

	private static ConfigurableApplicationContext client() {
		String target = "zookeeper://" + zookeeper.getConnectString() + "/" + DubboProviderClients.SERVICE;
		List<String> properties = new ArrayList<>(List.of("spring.application.name=zookeeper-client",
				"triple.client.channels.blue.service-group=blue"));
		// every @TripleClient of this package has its channel; these tests call two of them
		for (String channel : List.of("dubbo", "dubbo-idle", "blue", "green", "v1", "v2", "typo-group", "typo-version")) {
			properties.add("triple.client.channels." + channel + ".target=" + target);
		}
		return new SpringApplicationBuilder(ClientApplication.class).web(WebApplicationType.NONE)
			.properties(properties.toArray(String[]::new))
			.run();
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@EnableTripleClients(clients = { DefaultExport.class, BlueGroup.class })
	static class ClientApplication {

	}

}
