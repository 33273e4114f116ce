package dev.triplestream.lifecycle;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;

import dev.triplestream.client.ClientStreams;
import dev.triplestream.client.StreamSettings;
import dev.triplestream.client.TimeoutSetting;
import dev.triplestream.client.TripleClientFactory;
import dev.triplestream.server.ServerStreamLimits;
import dev.triplestream.server.TripleServer;
import dev.triplestream.server.TripleServiceBean;
import dev.triplestream.stream.StreamRegistry;
import dev.triplestream.stream.StreamSide;
import dev.triplestream.stream.TrackedStream;

/**
 * One run: the starter's server ({@link TripleServer}, on loopback and in-process) and client
 * ({@link ClientStreams}, {@link TripleClientFactory}) in this JVM, each with its own registry; the
 * plan's streams opened at their moments on their own threads, operator cancels and garbage
 * collections at theirs, then the shutdown of both sides; then the application threads joined
 * within a bound, the channels shut down, and the invariants checked by {@link RunChecks}.
 */
final class LifecycleRun {

	/** How long the application threads may take to finish once both sides have shut down. */
	static final Duration THREADS_BOUND = Duration.ofSeconds(15);

	final RunPlan plan;

	final String name;

	final StreamRegistry clientRegistry = new StreamRegistry();

	final StreamRegistry serverRegistry = new StreamRegistry();

	final EndLedger clientLedger = new EndLedger(StreamSide.CLIENT);

	final EndLedger serverLedger = new EndLedger(StreamSide.SERVER);

	final ScriptedEchoService service = new ScriptedEchoService();

	final Workers workers;

	final List<ClientStreamRecord> records = new ArrayList<>();

	final List<String> stuck = new ArrayList<>();

	final AtomicInteger operatorCancels = new AtomicInteger();

	private final Workers shutdownThreads;

	private final List<ManagedChannel> channels = new ArrayList<>();

	private TripleServer server;

	private ClientStreams streams;

	LifecycleRun(RunPlan plan, String name) {
		this.plan = plan;
		this.name = name;
		this.workers = new Workers("lifecycle-" + name + "-");
		this.shutdownThreads = new Workers("lifecycle-" + name + "-shutdown-");
		this.clientRegistry.addListener(this.clientLedger);
		this.serverRegistry.addListener(this.serverLedger);
	}

	/** Runs the plan; always releases what it started. */
	void execute() {
		try {
			List<LifecycleClient> clients = start();
			List<TimedEvent> events = events(clients);
			long started = System.nanoTime();
			for (TimedEvent event : events) {
				Workers.waitUntil(started + TimeUnit.MILLISECONDS.toNanos(event.atMillis()));
				event.action().run();
			}
			Duration shutdownBound = this.plan.clientGrace()
				.plus(this.plan.server().gracePeriod())
				.plus(Duration.ofSeconds(30));
			this.stuck.addAll(this.shutdownThreads.awaitAll(shutdownBound));
			this.stuck.addAll(this.workers.awaitAll(THREADS_BOUND));
		}
		finally {
			release();
		}
	}

	private List<LifecycleClient> start() {
		RunPlan.ServerSettings settings = this.plan.server();
		TripleServiceBean bean = new TripleServiceBean("scriptedEchoService", this.service,
				List.of(PlanHeaders.server()));
		this.server = new TripleServer(this.serverRegistry, List.of(bean));
		this.server.setAddress(InetAddress.getLoopbackAddress());
		this.server.setPort(0);
		this.server.setInProcessName("lifecycle-" + this.name);
		this.server.setGracePeriod(settings.gracePeriod());
		this.server.setStreamLimits(
				new ServerStreamLimits(new TimeoutSetting(settings.idleTimeout(), "triple.server.streams.idle-timeout"),
						new TimeoutSetting(settings.maxAge(), "triple.server.streams.max-age")));
		this.server.setMaxAgeGrace(settings.maxAgeGrace());
		this.server.start();
		this.streams = new ClientStreams(this.clientRegistry, this.plan.clientGrace(), this.plan.leakDetection());
		List<LifecycleClient> clients = new ArrayList<>();
		for (int i = 0; i < this.plan.channels().size(); i++) {
			RunPlan.ChannelPlan channel = this.plan.channels().get(i);
			String channelName = "random-" + i;
			ManagedChannelBuilder<?> builder = channel.netty()
					? NettyChannelBuilder.forAddress("127.0.0.1", this.server.getPort()).usePlaintext()
					: InProcessChannelBuilder.forName("lifecycle-" + this.name);
			if (channel.directExecutor()) {
				builder.directExecutor();
			}
			String target = channel.netty() ? "127.0.0.1:" + this.server.getPort() : "in-process";
			ManagedChannel managed = builder
				.intercept(PlanHeaders.client(), this.streams.interceptor(channelName, target, settings(channel)))
				.build();
			this.channels.add(managed);
			clients.add(new TripleClientFactory((any) -> managed, this.streams).create(LifecycleClient.class));
		}
		return clients;
	}

	private static StreamSettings settings(RunPlan.ChannelPlan channel) {
		return new StreamSettings(setting(channel.deadline(), "deadline"),
				setting(channel.streamDeadline(), "stream-deadline"), setting(channel.idleTimeout(), "idle-timeout"),
				setting(channel.closeTimeout(), "close-timeout"), channel.drainPolicy());
	}

	private static TimeoutSetting setting(Duration value, String name) {
		return new TimeoutSetting(value, "triple.client.channels.random." + name);
	}

	private List<TimedEvent> events(List<LifecycleClient> clients) {
		List<TimedEvent> events = new ArrayList<>();
		for (StreamPlan stream : this.plan.streams()) {
			ClientStreamRecord record = new ClientStreamRecord(stream);
			this.records.add(record);
			StreamScript script = StreamScript.of(stream, record, clients.get(stream.channel()), this.workers);
			events.add(new TimedEvent(stream.openAtMillis(),
					() -> this.workers.start(stream.key() + "-open", record, script)));
		}
		SplittableRandom operator = new SplittableRandom(this.plan.seed() ^ 0x5DEECE66DL);
		for (int at : this.plan.operatorCancelsAtMillis()) {
			events.add(new TimedEvent(at, () -> operatorCancel(operator)));
		}
		for (int at : this.plan.collectGarbageAtMillis()) {
			events.add(new TimedEvent(at, System::gc));
		}
		events.add(new TimedEvent(this.plan.shutdownAtMillis(), this::shutdown));
		events.sort(Comparator.comparingInt(TimedEvent::atMillis));
		return events;
	}

	/** An operator picks an open stream of either side and cancels it by its id. */
	private void operatorCancel(SplittableRandom random) {
		StreamRegistry registry = random.nextBoolean() ? this.clientRegistry : this.serverRegistry;
		List<TrackedStream> open = registry.streams();
		if (!open.isEmpty() && registry.cancel(open.get(random.nextInt(open.size())).id())) {
			this.operatorCancels.incrementAndGet();
		}
	}

	private void shutdown() {
		Runnable stopServer = this.server::stop;
		Runnable drainClient = this.streams::drain;
		switch (this.plan.shutdown()) {
			case SERVER_FIRST -> this.shutdownThreads.start("server-then-client", null, () -> {
				stopServer.run();
				drainClient.run();
			});
			case CLIENT_FIRST -> this.shutdownThreads.start("client-then-server", null, () -> {
				drainClient.run();
				stopServer.run();
			});
			case CONCURRENT -> {
				this.shutdownThreads.start("server", null, stopServer);
				this.shutdownThreads.start("client", null, drainClient);
			}
		}
	}

	/** Shuts down the channels (as the channels' phase does, after the drain) and everything else. */
	private void release() {
		for (ManagedChannel channel : this.channels) {
			channel.shutdownNow();
		}
		for (ManagedChannel channel : this.channels) {
			try {
				channel.awaitTermination(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		if (this.server != null && this.server.isRunning()) {
			this.server.stop();
		}
		if (this.streams != null) {
			this.streams.close();
		}
		this.service.close();
		this.workers.interruptAll();
		this.shutdownThreads.interruptAll();
	}

	/** Throwables that escaped the shutdown threads. */
	List<String> shutdownFailures() {
		return this.shutdownThreads.failures();
	}

	private record TimedEvent(int atMillis, Runnable action) {
	}

}
