package dev.triplestream.registry;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryNTimes;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import dev.triplestream.autoconfigure.StreamRegistryAutoConfiguration;
import dev.triplestream.autoconfigure.TripleServerAutoConfiguration;
import dev.triplestream.autoconfigure.TripleZookeeperAutoConfiguration;
import dev.triplestream.server.DrainingEvent;
import dev.triplestream.test.v1.EchoRequest;
import dev.triplestream.test.v1.EchoResponse;
import dev.triplestream.test.v1.EchoServiceGrpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The server's registration in Dubbo's interface-level layout, over a real ZooKeeper, and leaving
 * the registry as the first step of the shutdown.
 */
class ServerRegistrationTests {

	private TestingServer zookeeper;

	private CuratorFramework observer;

	private final ZookeeperClients clients = new ZookeeperClients();

	private final DubboMetadataFetcher fetcher = new DubboMetadataFetcher(5000);

	@BeforeEach
	void start() throws Exception {
		this.zookeeper = new TestingServer(true);
		this.observer = CuratorFrameworkFactory.newClient(this.zookeeper.getConnectString(), new RetryNTimes(10, 100));
		this.observer.start();
	}

	@AfterEach
	void stop() throws Exception {
		this.clients.close();
		this.observer.close();
		this.zookeeper.close();
	}

	private ConfigurableApplicationContext server(String id) {
		return new SpringApplicationBuilder(ServerApplication.class).web(WebApplicationType.NONE)
			.initializers((context) -> context.getBeanFactory().registerSingleton("echo", new IdentifiedEcho(id)))
			.properties("triple.server.port=0", "triple.server.address=127.0.0.1",
					"triple.server.shutdown.grace-period=5s",
					"triple.server.registry.address=zookeeper://" + this.zookeeper.getConnectString())
			.run();
	}

	@Test
	void registersEachServiceAsADubboProviderNodeAndLeavesTheRegistryBeforeTheDrain() throws Exception {
		List<String> before = providers();
		assertThat(before).isEmpty();
		ConfigurableApplicationContext one = null;
		ConfigurableApplicationContext two = null;
		ManagedChannel channel = null;
		try {
			one = server("one");
			two = server("two");
			await().atMost(Duration.ofSeconds(30)).until(() -> providers().size() == 2);
			String url = URLDecoder.decode(providers().get(0), StandardCharsets.UTF_8);
			assertThat(url).startsWith("tri://127.0.0.1:").contains("/" + DubboNodes.INTERFACE + "?")
				.contains("interface=" + DubboNodes.INTERFACE).contains("methods=Chat,Collect,Echo,Repeat")
				.contains("side=provider").contains("timestamp=");
			assertThat(this.observer.checkExists()
				.forPath("/dubbo/" + DubboNodes.INTERFACE + "/providers/" + providers().get(0))
				.getEphemeralOwner()).isNotZero();

			ZookeeperNameResolvers resolvers = new ZookeeperNameResolvers(Map.of(), this.clients, this.fetcher);
			RegistryNameResolversChannel resolved = new RegistryNameResolversChannel(resolvers.forChannel("echo",
					"zookeeper://" + this.zookeeper.getConnectString() + "/" + DubboNodes.INTERFACE, null, null));
			channel = resolved.channel;
			EchoServiceGrpc.EchoServiceBlockingStub stub = EchoServiceGrpc.newBlockingStub(channel);
			await().atMost(Duration.ofSeconds(30)).until(() -> {
				String a = call(stub);
				String b = call(stub);
				return !a.equals(b);
			});

			DrainRecorder drain = one.getBean(DrainRecorder.class);
			IdentifiedEcho leaving = one.getBean(IdentifiedEcho.class);
			ConfigurableApplicationContext closing = one;
			CompletableFuture<Void> closed = CompletableFuture.runAsync(closing::close);
			one = null;
			AtomicInteger refused = new AtomicInteger();
			AtomicInteger calls = new AtomicInteger();
			AtomicInteger streak = new AtomicInteger();
			AtomicInteger leavingCountWhenSwitched = new AtomicInteger(-1);
			while (!closed.isDone()) {
				try {
					String served = call(stub);
					calls.incrementAndGet();
					int run = served.equals("two") ? streak.incrementAndGet() : streak.getAndSet(0);
					if (run == 20 && leavingCountWhenSwitched.get() < 0) {
						leavingCountWhenSwitched.set(leaving.calls.get());
					}
				}
				catch (RuntimeException ex) {
					refused.incrementAndGet();
				}
			}
			closed.get(30, TimeUnit.SECONDS);
			assertThat(refused.get()).as("calls refused while the server left").isZero();
			assertThat(calls.get()).isGreaterThan(20);
			assertThat(drain.nodeGoneAtDrain.get()).as("node deleted before the drain began").isTrue();
			assertThat(leavingCountWhenSwitched.get()).as("client switched to the remaining server").isNotNegative();
			assertThat(drain.callsAtDrain.get()).as("no new call reached the leaving server after the client saw it leave")
				.isEqualTo(leavingCountWhenSwitched.get());
			assertThat(providers()).hasSize(1);
		}
		finally {
			if (channel != null) {
				channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
			}
			if (one != null) {
				one.close();
			}
			if (two != null) {
				two.close();
			}
		}
	}

	private List<String> providers() throws Exception {
		String path = "/dubbo/" + DubboNodes.INTERFACE + "/providers";
		return (this.observer.checkExists().forPath(path) != null) ? this.observer.getChildren().forPath(path)
				: List.of();
	}

	private static String call(EchoServiceGrpc.EchoServiceBlockingStub stub) {
		return stub.withDeadlineAfter(30, TimeUnit.SECONDS).withWaitForReady()
			.echo(EchoRequest.newBuilder().setText("who").build())
			.getText();
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ StreamRegistryAutoConfiguration.class, TripleServerAutoConfiguration.class,
			TripleZookeeperAutoConfiguration.class })
	@Import(DrainRecorder.class)
	static class ServerApplication {

	}

	/** A channel over a registry resolution, round-robin. */
	static final class RegistryNameResolversChannel {

		final ManagedChannel channel;

		@SuppressWarnings("deprecation")
		RegistryNameResolversChannel(dev.triplestream.client.RegistryNameResolvers.Resolution resolution) {
			this.channel = NettyChannelBuilder.forTarget(resolution.grpcTarget())
				.nameResolverFactory(resolution.provider())
				.defaultLoadBalancingPolicy("round_robin")
				.usePlaintext()
				.build();
		}

	}

	/** Answers with its id; counts calls. */
	static final class IdentifiedEcho extends EchoServiceGrpc.EchoServiceImplBase {

		final String id;

		final AtomicInteger calls = new AtomicInteger();

		IdentifiedEcho(String id) {
			this.id = id;
		}

		@Override
		public void echo(EchoRequest request, StreamObserver<EchoResponse> responses) {
			this.calls.incrementAndGet();
			responses.onNext(EchoResponse.newBuilder().setText(this.id).build());
			responses.onCompleted();
		}

	}

	/** Records, when the drain begins, whether the registration is gone and the calls served so far. */
	static class DrainRecorder implements ApplicationListener<DrainingEvent> {

		final AtomicBoolean nodeGoneAtDrain = new AtomicBoolean();

		final AtomicInteger callsAtDrain = new AtomicInteger(-1);

		private final ObjectProvider<IdentifiedEcho> echo;

		private final ObjectProvider<ServerRegistration> registration;

		DrainRecorder(ObjectProvider<IdentifiedEcho> echo, ObjectProvider<ServerRegistration> registration) {
			this.echo = echo;
			this.registration = registration;
		}

		@Override
		public void onApplicationEvent(DrainingEvent event) {
			this.nodeGoneAtDrain.set(!this.registration.getObject().isRunning());
			this.callsAtDrain.set(this.echo.getObject().calls.get());
		}

	}

}
