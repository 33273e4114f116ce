package dev.triplestream.benchmarks;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;

import dev.triplestream.client.StreamSettings;
import dev.triplestream.client.TimeoutSetting;

/**
 * One grpc-java server on loopback (netty-shaded, an ephemeral port) and the channels that talk to
 * it. Every channel, raw or starter, comes from {@link #channelBuilder()}: same transport, same
 * event loops, same call executor. A starter channel is that builder plus the starter's
 * interceptor, nothing else.
 * <p>
 * Event loops: one thread for every client connection and one for every server connection. By
 * default grpc-java's clients and servers share one group of threads, and whether the two ends of a
 * connection land on the same thread, or two busy connections on one, then decides its speed: in
 * one run the starter's channel came out 15% faster at p50 than both raw channels, through no
 * merit of its own. With one thread per side, every connection sits on the same two threads as
 * every other. {@code -Dbench.event-loop-threads=N} gives each side N threads instead.
 */
final class Loopback implements AutoCloseable {

	/**
	 * The lifecycle settings of the starter's channel in the benchmarks: an idle timeout long
	 * enough never to fire, so that every stream pays for its timer, and no deadlines, which
	 * grpc-java would apply to the raw channel too.
	 */
	static final StreamSettings SETTINGS = new StreamSettings(TimeoutSetting.none("benchmark deadline"),
			TimeoutSetting.none("benchmark stream-deadline"),
			new TimeoutSetting(Duration.ofMinutes(5), "benchmark idle-timeout"),
			new TimeoutSetting(Duration.ofSeconds(5), "benchmark close-timeout"));

	/**
	 * How the starter's client side is built: {@code spring} (an application context per client
	 * side, the default) or {@code direct} (the runtime classes wired by hand).
	 */
	static final String STARTER = System.getProperty("bench.starter", "spring");

	/** Event loop threads per side; see the class comment. */
	static final int EVENT_LOOP_THREADS = Integer.getInteger("bench.event-loop-threads", 1);

	/**
	 * A fixed HTTP/2 flow-control window in bytes on every channel and the server, which turns
	 * grpc-java's BDP auto-tuning off; 0 (the default) keeps grpc-java's default, auto-tuning on.
	 */
	static final int FLOW_WINDOW = Integer.getInteger("bench.flow-window", 0);

	/**
	 * The call executors of the server and of every channel: {@code cached} (the default, a cached
	 * thread pool per side, grpc-java's own default kind), {@code fixed} (two threads per side) or
	 * {@code direct} (the clients' callbacks on their event loop; the server keeps a cached pool,
	 * on which its download pump continues). For experiments on where the time goes.
	 */
	static final String EXECUTOR = System.getProperty("bench.executor", "cached");

	private final ExecutorService serverExecutor = EXECUTOR.equals("direct")
			? Executors.newCachedThreadPool(daemonThreads("bench-server")) : executor("bench-server");

	private final ExecutorService clientExecutor = executor("bench-client");

	private final EventLoopGroup serverBoss = eventLoops(1, "bench-server-boss");

	private final EventLoopGroup serverWorkers = eventLoops(EVENT_LOOP_THREADS, "bench-server-loop");

	private final EventLoopGroup clientLoops = eventLoops(EVENT_LOOP_THREADS, "bench-client-loop");

	private final BenchService service = new BenchService(this.serverExecutor);

	private final Server server;

	private final InetSocketAddress address;

	Loopback() throws IOException {
		NettyServerBuilder builder = NettyServerBuilder
			.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
			.bossEventLoopGroup(this.serverBoss)
			.workerEventLoopGroup(this.serverWorkers)
			.channelType(Epoll.isAvailable() ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
			.executor(this.serverExecutor)
			.addService(this.service);
		if (FLOW_WINDOW > 0) {
			builder.flowControlWindow(FLOW_WINDOW);
		}
		this.server = builder.build().start();
		this.address = new InetSocketAddress(InetAddress.getLoopbackAddress(), this.server.getPort());
	}

	BenchService service() {
		return this.service;
	}

	/**
	 * The server's address as a grpc-java target: the IP literal, so that resolving it takes no
	 * look-up and cannot pick an address the server does not listen on.
	 */
	String target() {
		return this.address.getAddress().getHostAddress() + ":" + this.address.getPort();
	}

	/** The settings every benchmark channel shares. */
	NettyChannelBuilder channelBuilder() {
		return applyTransport(NettyChannelBuilder.forAddress(this.address).usePlaintext());
	}

	/**
	 * The client transport every benchmark channel shares: the client event-loop group and its
	 * channel type, and the client executor. A channel built by the Spring context gets these
	 * through a {@code TripleChannelBuilderCustomizer}.
	 */
	NettyChannelBuilder applyTransport(NettyChannelBuilder builder) {
		builder.eventLoopGroup(this.clientLoops)
			.channelType(Epoll.isAvailable() ? EpollSocketChannel.class : NioSocketChannel.class)
			.executor(this.clientExecutor);
		return (FLOW_WINDOW > 0) ? builder.flowControlWindow(FLOW_WINDOW) : builder;
	}

	ManagedChannel newRawChannel() {
		return channelBuilder().build();
	}

	/**
	 * A starter client side on a channel of its own: by default an application context of its own
	 * ({@link SpringStarterClientSide}), whose close is a real {@code context.close()}; with
	 * {@code -Dbench.starter=direct} the runtime classes wired by hand ({@link DirectStarterClientSide}).
	 */
	StarterClientSide newStarterClientSide(StreamSettings settings, Duration gracePeriod) {
		return switch (STARTER) {
			case "spring" -> new SpringStarterClientSide(this, settings, gracePeriod);
			case "direct" -> new DirectStarterClientSide(channelBuilder(), target(), settings, gracePeriod);
			default -> throw new IllegalArgumentException(
					"-Dbench.starter: expected 'spring' or 'direct', not '" + STARTER + "'");
		};
	}

	/** Waits until every server handler has ended. */
	void awaitServerIdle(Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (this.service.open() > 0) {
			if (System.nanoTime() - deadline > 0) {
				throw new IllegalStateException(this.service.open() + " server handlers still open after " + timeout);
			}
			Thread.sleep(2);
		}
	}

	@Override
	public void close() throws InterruptedException {
		this.server.shutdownNow();
		this.server.awaitTermination(10, TimeUnit.SECONDS);
		this.serverExecutor.shutdownNow();
		this.clientExecutor.shutdownNow();
		this.clientLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
		this.serverWorkers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
		this.serverBoss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
	}

	/** What closing the starter's client side is, for the results. */
	static String starterClose() {
		return STARTER.equals("direct") ? "ClientStreams.drain() and channel close, wired by hand"
				: "ConfigurableApplicationContext.close()";
	}

	static String transportName() {
		return Epoll.isAvailable() ? "epoll" : "nio";
	}

	private static ExecutorService executor(String prefix) {
		return switch (EXECUTOR) {
			case "cached" -> Executors.newCachedThreadPool(daemonThreads(prefix));
			case "fixed" -> Executors.newFixedThreadPool(2, daemonThreads(prefix));
			case "direct" -> new DirectExecutorService();
			default -> throw new IllegalArgumentException(
					"-Dbench.executor: expected 'cached', 'fixed' or 'direct', not '" + EXECUTOR + "'");
		};
	}

	/** Epoll where netty-shaded has it (grpc-java's own default), NIO elsewhere. */
	private static EventLoopGroup eventLoops(int threads, String prefix) {
		return new MultiThreadIoEventLoopGroup(threads, daemonThreads(prefix),
				Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
	}

	static ThreadFactory daemonThreads(String prefix) {
		AtomicInteger count = new AtomicInteger();
		return (task) -> {
			Thread thread = new Thread(task, prefix + "-" + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

}
