package dev.triplestream.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;

import org.springframework.boot.convert.DurationStyle;

import dev.triplestream.stream.StreamRegistry;

/**
 * A real grpc-java server and one channel to it named {@code chat}, the channel put under a fresh
 * {@link ClientStreams} with {@link ClientStreams#interceptor}: what the auto-configuration will
 * wire, without a Spring context. Close it after each test.
 */
final class ClientFixture implements AutoCloseable {

	static final String CHANNEL = "chat";

	private final StreamRegistry registry = new StreamRegistry();

	private final ClientStreams streams;

	private final Server server;

	private final ManagedChannel channel;

	private final String target;

	private ClientFixture(Builder builder) {
		this.streams = new ClientStreams(this.registry, builder.gracePeriod, builder.leakDetection);
		this.streams.resume();
		List<ServerServiceDefinition> services = new ArrayList<>();
		for (ServerServiceDefinition service : builder.services) {
			services.add(ServerInterceptors.intercept(service, builder.interceptors));
		}
		String inProcessName = "client-tests-" + UUID.randomUUID();
		ServerBuilder<?> serverBuilder = builder.netty
				? NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
				: InProcessServerBuilder.forName(inProcessName);
		services.forEach(serverBuilder::addService);
		try {
			this.server = serverBuilder.build().start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		ManagedChannelBuilder<?> channelBuilder;
		if (builder.netty) {
			this.target = "127.0.0.1:" + this.server.getPort();
			channelBuilder = NettyChannelBuilder.forTarget(this.target).usePlaintext();
		}
		else {
			this.target = "in-process:" + inProcessName;
			channelBuilder = InProcessChannelBuilder.forName(inProcessName);
		}
		this.channel = channelBuilder.intercept(this.streams.interceptor(CHANNEL, this.target, builder.settings()))
			.build();
	}

	static Builder inProcess() {
		return new Builder(false);
	}

	static Builder netty() {
		return new Builder(true);
	}

	StreamRegistry registry() {
		return this.registry;
	}

	ClientStreams streams() {
		return this.streams;
	}

	ManagedChannel channel() {
		return this.channel;
	}

	String target() {
		return this.target;
	}

	/** A client through {@link TripleClientFactory}, every channel name mapped to this channel. */
	<T> T client(Class<T> clientInterface) {
		return new TripleClientFactory((name) -> this.channel, this.streams).create(clientInterface);
	}

	/** Stops the server at once, cutting its connections: the peer is gone. */
	void killServer() throws InterruptedException {
		this.server.shutdownNow();
		this.server.awaitTermination(5, TimeUnit.SECONDS);
	}

	@Override
	public void close() throws InterruptedException {
		this.channel.shutdownNow();
		this.server.shutdownNow();
		this.channel.awaitTermination(5, TimeUnit.SECONDS);
		this.server.awaitTermination(5, TimeUnit.SECONDS);
		this.streams.close();
	}

	/** The source of a channel setting, as the auto-configuration names it. */
	static String property(String setting) {
		return "triple.client.channels." + CHANNEL + "." + setting;
	}

	static final class Builder {

		private final boolean netty;

		private final List<ServerServiceDefinition> services = new ArrayList<>();

		private final List<ServerInterceptor> interceptors = new ArrayList<>();

		private Duration deadline;

		private Duration streamDeadline;

		private Duration idleTimeout;

		private Duration closeTimeout = Duration.ofSeconds(5);

		private Duration gracePeriod = Duration.ofSeconds(5);

		private LeakDetection leakDetection = LeakDetection.SIMPLE;

		private DrainPolicy drainPolicy = DrainPolicy.HALF_CLOSE;

		private Builder(boolean netty) {
			this.netty = netty;
		}

		Builder service(BindableService service) {
			this.services.add(service.bindService());
			return this;
		}

		Builder service(ServerServiceDefinition service) {
			this.services.add(service);
			return this;
		}

		/** Wraps every service; the last one added runs first. */
		Builder interceptor(ServerInterceptor interceptor) {
			this.interceptors.add(interceptor);
			return this;
		}

		Builder deadline(String value) {
			this.deadline = DurationStyle.detectAndParse(value);
			return this;
		}

		Builder streamDeadline(String value) {
			this.streamDeadline = DurationStyle.detectAndParse(value);
			return this;
		}

		Builder idleTimeout(String value) {
			this.idleTimeout = DurationStyle.detectAndParse(value);
			return this;
		}

		Builder closeTimeout(String value) {
			this.closeTimeout = DurationStyle.detectAndParse(value);
			return this;
		}

		Builder gracePeriod(String value) {
			this.gracePeriod = DurationStyle.detectAndParse(value);
			return this;
		}

		Builder drainPolicy(DrainPolicy drainPolicy) {
			this.drainPolicy = drainPolicy;
			return this;
		}

		Builder leakDetection(LeakDetection leakDetection) {
			this.leakDetection = leakDetection;
			return this;
		}

		StreamSettings settings() {
			return new StreamSettings(setting(this.deadline, "deadline"), setting(this.streamDeadline, "stream-deadline"),
					setting(this.idleTimeout, "idle-timeout"), setting(this.closeTimeout, "close-timeout"),
					this.drainPolicy);
		}

		private static TimeoutSetting setting(Duration value, String name) {
			return new TimeoutSetting(value, property(name));
		}

		ClientFixture start() {
			return new ClientFixture(this);
		}

	}

}
