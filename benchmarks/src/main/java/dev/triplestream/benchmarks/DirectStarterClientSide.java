package dev.triplestream.benchmarks;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;

import dev.triplestream.client.ClientStreams;
import dev.triplestream.client.LeakDetection;
import dev.triplestream.client.StreamSettings;
import dev.triplestream.client.TripleClientFactory;
import dev.triplestream.stream.StreamRegistry;

/**
 * The starter's client runtime wired by hand: a {@link ClientStreams} with its own registry, a
 * channel from the shared builder settings plus the lifecycle interceptor, and a
 * {@link TripleClientFactory} proxy. Closing it runs {@link ClientStreams#drain()}, which is what
 * the application context runs for client streams, then closes the channel.
 */
final class DirectStarterClientSide implements StarterClientSide {

	static final String CHANNEL = "bench";

	private final StreamRegistry registry = new StreamRegistry();

	private final ClientStreams streams;

	private final ManagedChannel channel;

	private final BenchClient client;

	private final Duration gracePeriod;

	DirectStarterClientSide(ManagedChannelBuilder<?> builder, String target, StreamSettings settings,
			Duration gracePeriod) {
		this.gracePeriod = gracePeriod;
		this.streams = new ClientStreams(this.registry, gracePeriod, LeakDetection.SIMPLE);
		this.streams.resume();
		this.channel = builder.intercept(this.streams.interceptor(CHANNEL, target, settings)).build();
		this.client = new TripleClientFactory((name) -> this.channel, this.streams).create(BenchClient.class);
	}

	@Override
	public BenchClient client() {
		return this.client;
	}

	@Override
	public StreamRegistry registry() {
		return this.registry;
	}

	@Override
	public ContextClose closeContext() throws InterruptedException {
		long started = System.nanoTime();
		this.streams.drain();
		long drained = System.nanoTime();
		this.channel.shutdown();
		if (!this.channel.awaitTermination(this.gracePeriod.toNanos(), TimeUnit.NANOSECONDS)) {
			this.channel.shutdownNow();
			this.channel.awaitTermination(5, TimeUnit.SECONDS);
		}
		long ended = System.nanoTime();
		return new ContextClose(Duration.ofNanos(drained - started), Duration.ofNanos(ended - started));
	}

	@Override
	public void close() {
		this.channel.shutdownNow();
		this.streams.close();
	}

}
