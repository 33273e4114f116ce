package dev.triplestream.server;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.triplestream.stream.EndReason;
import dev.triplestream.stream.StreamRegistry;
import dev.triplestream.stream.StreamSide;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two servers of one application sharing its {@link StreamRegistry}: each drains only its own
 * calls.
 */
class TripleServerSharedRegistryTests {

	private final StreamRegistry registry = new StreamRegistry();

	private final List<ManagedChannel> channels = new CopyOnWriteArrayList<>();

	private final List<TripleServer> servers = new CopyOnWriteArrayList<>();

	@AfterEach
	void stop() {
		this.channels.forEach(ManagedChannel::shutdownNow);
		this.servers.forEach(TripleServer::stop);
	}

	@Test
	void stoppingOneServerDrainsOnlyItsCallsAndDoesNotWaitForTheOthers() throws Exception {
		RecordedEnds ends = RecordedEnds.of(this.registry);
		LifecycleTestService serviceA = new LifecycleTestService();
		LifecycleTestService serviceB = new LifecycleTestService();
		Duration grace = Duration.ofSeconds(30);
		TripleServer a = start(serviceA, grace);
		TripleServer b = start(serviceB, Duration.ofMillis(500));
		ChatCall onA = new ChatCall(loopback(a.getPort()));
		onA.send(1, LifecycleTestService.COMPLETE_ON_DRAIN + "-a");
		ChatCall onB = new ChatCall(loopback(b.getPort()));
		onB.send(1, "ignores-the-notice-b");
		assertThat(onA.next().getText()).isEqualTo("echo: " + LifecycleTestService.COMPLETE_ON_DRAIN + "-a");
		assertThat(onB.next().getText()).isEqualTo("echo: ignores-the-notice-b");
		assertThat(this.registry.count(StreamSide.SERVER)).isEqualTo(2);

		long started = System.nanoTime();
		a.stop();
		long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
		System.out.println("Stopping one of two servers sharing a registry (grace period " + grace.toMillis()
				+ " ms) took " + tookMillis + " ms");

		// A's call ended on its notice, and A did not wait for B's call.
		assertThat(onA.next().getText()).isEqualTo("drained: " + LifecycleTestService.COMPLETE_ON_DRAIN + "-a");
		assertThat(onA.awaitStatus().getCode()).isEqualTo(Status.Code.OK);
		assertThat(tookMillis).isLessThan(grace.toMillis() / 3);
		assertThat(ends.ends()).hasSize(1);
		assertThat(ends.ends().get(0).reason()).isEqualTo(EndReason.SHUTDOWN_DRAINED);
		// B's call had no notice and goes on.
		LifecycleTestService.ServedCall servedB = serviceB.call("ignores-the-notice-b");
		assertThat(servedB.context.isDraining()).isFalse();
		assertThat(onB.isDone()).isFalse();
		onB.send(2, "still served");
		assertThat(onB.next().getText()).isEqualTo("echo: still served");
		assertThat(this.registry.count(StreamSide.SERVER)).isOne();

		b.stop();
		Status status = onB.awaitStatus();
		assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
		assertThat(status.getDescription()).isEqualTo(TripleServer.SHUTDOWN_DESCRIPTION);
		assertThat(ends.awaitEnd(2).reason()).isEqualTo(EndReason.SHUTDOWN_CANCELLED);
		assertThat(this.registry.streams()).isEmpty();
	}

	private TripleServer start(LifecycleTestService service, Duration grace) throws Exception {
		TripleServer server = new TripleServer(this.registry, List.of(new TripleServiceBean("lifecycleService", service)));
		server.setAddress(InetAddress.getLoopbackAddress());
		server.setPort(0);
		server.setGracePeriod(grace);
		this.servers.add(server);
		server.start();
		return server;
	}

	private ManagedChannel loopback(int port) {
		ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
		this.channels.add(channel);
		return channel;
	}

}
