package dev.triplestream.registry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryNTimes;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.triplestream.client.RegistryNameResolvers;
import dev.triplestream.registry.dubbo.MetadataInfoV2;
import dev.triplestream.registry.dubbo.ServiceInfoV2;
import dev.triplestream.test.v1.EchoRequest;
import dev.triplestream.test.v1.EchoResponse;
import dev.triplestream.test.v1.EchoServiceGrpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * {@code zookeeper://} channels against a real ZooKeeper (Curator's TestingServer) holding nodes
 * written as Dubbo 3.3 providers write them, and real grpc-java providers on loopback.
 */
class ZookeeperNameResolverTests {

	private TestingServer zookeeper;

	private CuratorFramework providerSession;

	private DubboNodes nodes;

	private final ZookeeperClients clients = new ZookeeperClients();

	private final DubboMetadataFetcher fetcher = new DubboMetadataFetcher(5000);

	private final List<AutoCloseable> closeables = new ArrayList<>();

	@BeforeEach
	void startZookeeper() throws Exception {
		this.zookeeper = new TestingServer(true);
		this.providerSession = CuratorFrameworkFactory.newClient(this.zookeeper.getConnectString(),
				new RetryNTimes(10, 100));
		this.providerSession.start();
		this.nodes = new DubboNodes(this.providerSession);
	}

	@AfterEach
	void stop() throws Exception {
		for (AutoCloseable closeable : this.closeables) {
			closeable.close();
		}
		this.clients.close();
		this.providerSession.close();
		this.zookeeper.close();
	}

	@Test
	void interfaceLevelProvidersFollowTheRegistryWhileStreamsRun() throws Exception {
		FakeDubboProvider a = provider("a");
		FakeDubboProvider b = provider("b");
		String aNode = this.nodes.provider(DubboNodes.providerUrl("tri", a.port(), null, null, ""));
		this.nodes.provider(DubboNodes.providerUrl("tri", b.port(), null, null, ""));
		ManagedChannel channel = channel(target(), null, null);
		EchoServiceGrpc.EchoServiceBlockingStub stub = EchoServiceGrpc.newBlockingStub(channel);
		await().atMost(Duration.ofSeconds(30)).until(() -> servedBy(stub, 10).equals(Set.of("a", "b")));
		Chat onA = chatOn(channel, "a");

		FakeDubboProvider c = provider("c");
		String cNode = this.nodes.provider(DubboNodes.providerUrl("tri", c.port(), null, null, ""));
		await().atMost(Duration.ofSeconds(30)).until(() -> servedBy(stub, 6).contains("c"));

		this.nodes.delete(aNode);
		await().atMost(Duration.ofSeconds(30)).until(() -> servedBy(stub, 6).equals(Set.of("b", "c")));
		assertThat(servedBy(stub, 30)).doesNotContain("a");
		// the removed provider's open stream is not cut: it still answers
		assertThat(onA.say("still there")).isEqualTo("a:still there");

		this.nodes.delete(cNode);
		await().atMost(Duration.ofSeconds(30)).until(() -> servedBy(stub, 6).equals(Set.of("b")));
		onA.close();
	}

	@Test
	void onlyEnabledTripleProvidersOfTheChannelsGroupAndVersion() throws Exception {
		FakeDubboProvider plain = provider("plain");
		FakeDubboProvider g1 = provider("g1");
		FakeDubboProvider g1v1 = provider("g1v1");
		FakeDubboProvider g2v1 = provider("g2v1");
		FakeDubboProvider dubbo = provider("dubbo");
		FakeDubboProvider disabled = provider("disabled");
		this.nodes.provider(DubboNodes.providerUrl("tri", plain.port(), null, null, ""));
		this.nodes.provider(DubboNodes.providerUrl("tri", g1.port(), "g1", null, ""));
		this.nodes.provider(DubboNodes.providerUrl("tri", g1v1.port(), "g1", "1.0.0", ""));
		this.nodes.provider(DubboNodes.providerUrl("tri", g2v1.port(), "g2", "1.0.0", ""));
		this.nodes.provider(DubboNodes.providerUrl("dubbo", dubbo.port(), null, null, ""));
		this.nodes.provider(DubboNodes.providerUrl("tri", disabled.port(), null, null, "&enabled=false"));

		assertThat(eventuallyServedBy(channel(target(), null, null))).containsExactly("plain");
		assertThat(eventuallyServedBy(channel(target(), "g1", null))).containsExactly("g1");
		assertThat(eventuallyServedBy(channel(target(), "g1", "1.0.0"))).containsExactly("g1v1");
		assertThat(eventuallyServedBy(channel(target(), "g1,g2", "1.0.0"))).containsExactlyInAnyOrder("g1v1", "g2v1");
		assertThat(eventuallyServedBy(channel(target(), "*", "*"))).containsExactlyInAnyOrder("plain", "g1", "g1v1",
				"g2v1");
	}

	@Test
	void applicationLevelProvidersWithMetadataFetchedOncePerRevision() throws Exception {
		FakeDubboProvider one = provider("one");
		FakeDubboProvider two = provider("two");
		FakeDubboProvider other = provider("other");
		one.metadata = metadata(one.port(), "g1", "1.0.0");
		two.metadata = metadata(two.port(), "g1", "1.0.0");
		other.metadata = metadata(other.port(), "g2", "1.0.0");
		this.nodes.mapping("echo-app,other-app");
		this.nodes.instance("echo-app", one.port(), "rev-1");
		this.nodes.instance("other-app", other.port(), "rev-9");
		ManagedChannel channel = channel(target(), "g1", "1.0.0");
		EchoServiceGrpc.EchoServiceBlockingStub stub = EchoServiceGrpc.newBlockingStub(channel);
		await().atMost(Duration.ofSeconds(30)).until(() -> servedBy(stub, 6).equals(Set.of("one")));

		String twoNode = this.nodes.instance("echo-app", two.port(), "rev-1");
		await().atMost(Duration.ofSeconds(30)).until(() -> servedBy(stub, 6).equals(Set.of("one", "two")));
		// same revision: its metadata was fetched once, from whichever instance came first
		assertThat(one.metadataFetches.get() + two.metadataFetches.get()).isEqualTo(1);

		this.nodes.delete(twoNode);
		await().atMost(Duration.ofSeconds(30)).until(() -> servedBy(stub, 6).equals(Set.of("one")));
	}

	@Test
	void unreachableRegistryAtStartFailsCallsUntilItComesAndALostRegistryKeepsTheProviders() throws Exception {
		int port = InstanceSpec.getRandomPort();
		this.zookeeper.close();
		ZookeeperRegistry registry = new ZookeeperRegistry("down", "127.0.0.1:" + port, Duration.ofSeconds(30),
				Duration.ofMillis(500), null, null, null);
		ZookeeperNameResolvers resolvers = new ZookeeperNameResolvers(Map.of("down", registry), this.clients,
				this.fetcher);
		ManagedChannel channel = channel(resolvers.forChannel("echo", "zookeeper://down/" + DubboNodes.INTERFACE,
				null, null));
		EchoServiceGrpc.EchoServiceBlockingStub stub = EchoServiceGrpc.newBlockingStub(channel)
			.withDeadlineAfter(10, TimeUnit.SECONDS);
		assertThatExceptionOfType(StatusRuntimeException.class).isThrownBy(() -> stub.echo(request("x")))
			.satisfies((ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE))
			.withMessageContaining("cannot be reached");

		this.zookeeper = new TestingServer(port, true);
		this.providerSession.close();
		this.providerSession = CuratorFrameworkFactory.newClient(this.zookeeper.getConnectString(),
				new RetryNTimes(10, 100));
		this.providerSession.start();
		this.nodes = new DubboNodes(this.providerSession);
		FakeDubboProvider a = provider("a");
		this.nodes.provider(DubboNodes.providerUrl("tri", a.port(), null, null, ""));
		assertThat(stub.withWaitForReady().echo(request("x")).getText()).isEqualTo("a:x");

		this.zookeeper.stop();
		for (int i = 0; i < 20; i++) {
			assertThat(stub.echo(request("lost")).getText()).isEqualTo("a:lost");
		}
		this.zookeeper.restart();
		await().atMost(Duration.ofSeconds(20)).until(() -> servedBy(stub, 3).equals(Set.of("a")));
	}

	private String target() {
		return "zookeeper://" + this.zookeeper.getConnectString() + "/" + DubboNodes.INTERFACE;
	}

	private FakeDubboProvider provider(String id) throws Exception {
		FakeDubboProvider provider = new FakeDubboProvider(id);
		this.closeables.add(provider);
		return provider;
	}

	private ManagedChannel channel(String target, String group, String version) {
		ZookeeperNameResolvers resolvers = new ZookeeperNameResolvers(Map.of(), this.clients, this.fetcher);
		return channel(resolvers.forChannel("test", target, group, version));
	}

	@SuppressWarnings("deprecation")
	private ManagedChannel channel(RegistryNameResolvers.Resolution resolution) {
		ManagedChannel channel = NettyChannelBuilder.forTarget(resolution.grpcTarget())
			.nameResolverFactory(resolution.provider())
			.defaultLoadBalancingPolicy("round_robin")
			.usePlaintext()
			.build();
		this.closeables.add(0, () -> channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS));
		return channel;
	}

	private static MetadataInfoV2 metadata(int port, String group, String version) {
		ServiceInfoV2 service = ServiceInfoV2.newBuilder().setName(DubboNodes.INTERFACE).setGroup(group)
			.setVersion(version).setProtocol("tri").setPort(port).setPath(DubboNodes.INTERFACE).build();
		return MetadataInfoV2.newBuilder().setApp("echo-app").setVersion("rev")
			.putServices(group + "/" + DubboNodes.INTERFACE + ":" + version + ":tri", service).build();
	}

	private static EchoRequest request(String text) {
		return EchoRequest.newBuilder().setText(text).build();
	}

	private static Set<String> servedBy(EchoServiceGrpc.EchoServiceBlockingStub stub, int calls) {
		Set<String> ids = new HashSet<>();
		for (int i = 0; i < calls; i++) {
			String text = stub.withDeadlineAfter(30, TimeUnit.SECONDS).withWaitForReady().echo(request("who")).getText();
			ids.add(text.substring(0, text.indexOf(':')));
		}
		return ids;
	}

	private static Set<String> eventuallyServedBy(ManagedChannel channel) {
		EchoServiceGrpc.EchoServiceBlockingStub stub = EchoServiceGrpc.newBlockingStub(channel);
		Set<String> seen = new HashSet<>();
		await().atMost(Duration.ofSeconds(30)).until(() -> {
			Set<String> now = servedBy(stub, 12);
			boolean stable = now.equals(seen);
			seen.clear();
			seen.addAll(now);
			return stable;
		});
		return seen;
	}

	/** Opens chat streams until one lands on the provider {@code id}. */
	private static Chat chatOn(ManagedChannel channel, String id) throws Exception {
		for (int i = 0; i < 20; i++) {
			Chat chat = new Chat(channel);
			if (chat.say("hello").startsWith(id + ":")) {
				return chat;
			}
			chat.close();
		}
		throw new AssertionError("no stream reached " + id);
	}

	/** A bidi stream that answers each message. */
	static final class Chat {

		private final BlockingQueue<Object> replies = new LinkedBlockingQueue<>();

		private final StreamObserver<EchoRequest> requests;

		Chat(ManagedChannel channel) {
			this.requests = EchoServiceGrpc.newStub(channel).withWaitForReady().chat(new StreamObserver<>() {

				@Override
				public void onNext(EchoResponse value) {
					Chat.this.replies.add(value.getText());
				}

				@Override
				public void onError(Throwable error) {
					Chat.this.replies.add(error);
				}

				@Override
				public void onCompleted() {
					Chat.this.replies.add("completed");
				}

			});
		}

		String say(String text) throws InterruptedException {
			this.requests.onNext(request(text));
			Object reply = this.replies.poll(10, TimeUnit.SECONDS);
			if (reply instanceof Throwable error) {
				throw new AssertionError("stream failed", error);
			}
			return (String) reply;
		}

		void close() {
			this.requests.onCompleted();
		}

	}

}
