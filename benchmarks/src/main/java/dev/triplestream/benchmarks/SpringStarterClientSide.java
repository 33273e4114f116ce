package dev.triplestream.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;

import dev.triplestream.autoconfigure.TripleChannelBuilderCustomizer;
import dev.triplestream.client.StreamSettings;
import dev.triplestream.client.TimeoutSetting;
import dev.triplestream.stream.LifecyclePhases;
import dev.triplestream.stream.StreamRegistry;

/**
 * The starter's client side as an application has it: a Spring application context of its own
 * ({@link BenchClientApplication}, no web server, no triplestream server), configured through
 * {@code triple.client.*} properties, with the {@link BenchClient} and the {@link StreamRegistry}
 * taken from it. {@link #closeContext()} is {@link ConfigurableApplicationContext#close()}: the
 * client stream drain (phase {@link LifecyclePhases#CLIENT_STREAMS}), then the channels' shutdown
 * (phase {@link LifecyclePhases#CHANNELS}), then whatever else a context close does.
 * <p>
 * The context builds its channel {@code bench} from the properties; a
 * {@link TripleChannelBuilderCustomizer} gives it the harness's client transport
 * ({@link Loopback#applyTransport}), so that it shares event loops and executor with the raw
 * channels exactly as {@link DirectStarterClientSide}'s channel does. What the auto-configuration
 * sets besides (plaintext, {@code pick_first}, 4 MB and 8 KB inbound limits, no keepalive) are
 * grpc-java's defaults, which the raw channels have too.
 */
final class SpringStarterClientSide implements StarterClientSide {

	/**
	 * Spring Boot's logging system would reconfigure java.util.logging at every start, undoing the
	 * harness's own levels; without it the runtime logs to standard error as in the direct variant.
	 */
	static {
		System.setProperty(LoggingSystem.SYSTEM_PROPERTY, LoggingSystem.NONE);
	}

	/** Held here because java.util.logging keeps loggers only weakly. */
	private static final Logger SPRING_LOGGER = Logger.getLogger("org.springframework");

	private final ConfigurableApplicationContext context;

	private final BenchClient client;

	private final StreamRegistry registry;

	/** When the context close reached the channels' phase, that is, when the drain had ended. */
	private final AtomicLong drainEnded = new AtomicLong();

	SpringStarterClientSide(Loopback loopback, StreamSettings settings, Duration gracePeriod) {
		SPRING_LOGGER.setLevel(Level.WARNING);
		TripleChannelBuilderCustomizer transport = (name, builder) -> loopback
			.applyTransport((NettyChannelBuilder) builder);
		this.context = new SpringApplicationBuilder(BenchClientApplication.class).web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			.registerShutdownHook(false)
			.properties(properties(loopback.target(), settings, gracePeriod))
			.initializers((context) -> {
				context.getBeanFactory().registerSingleton("benchTransportCustomizer", transport);
				context.getBeanFactory().registerSingleton("benchDrainEndMark", new DrainEndMark(this.drainEnded));
			})
			.run();
		this.client = this.context.getBean(BenchClient.class);
		this.registry = this.context.getBean(StreamRegistry.class);
	}

	/** The channel's properties, as an application would write them, from the harness's settings. */
	static String[] properties(String target, StreamSettings settings, Duration gracePeriod) {
		String channel = "triple.client.channels." + DirectStarterClientSide.CHANNEL + ".";
		List<String> properties = new ArrayList<>();
		properties.add(channel + "target=" + target);
		properties.add("triple.client.shutdown.grace-period=" + gracePeriod);
		properties.add("triple.client.leak-detection=simple");
		addIfSet(properties, channel + "deadline", settings.deadline());
		addIfSet(properties, channel + "stream-deadline", settings.streamDeadline());
		addIfSet(properties, channel + "idle-timeout", settings.idleTimeout());
		addIfSet(properties, channel + "close-timeout", settings.closeTimeout());
		properties.add("spring.main.banner-mode=off");
		properties.add("spring.main.log-startup-info=false");
		return properties.toArray(String[]::new);
	}

	private static void addIfSet(List<String> properties, String name, TimeoutSetting setting) {
		if (setting.isSet()) {
			properties.add(name + "=" + setting.value());
		}
	}

	@Override
	public BenchClient client() {
		return this.client;
	}

	@Override
	public StreamRegistry registry() {
		return this.registry;
	}

	/** The context, for tests that look inside it. */
	ConfigurableApplicationContext context() {
		return this.context;
	}

	@Override
	public ContextClose closeContext() {
		this.drainEnded.set(0);
		long started = System.nanoTime();
		this.context.close();
		long ended = System.nanoTime();
		long drained = this.drainEnded.get();
		return new ContextClose((drained != 0) ? Duration.ofNanos(drained - started) : null,
				Duration.ofNanos(ended - started));
	}

	@Override
	public void close() {
		this.context.close();
	}

	/**
	 * Stops between the client stream drain and the channels' shutdown, and notes when: the end of
	 * the drain inside a context close.
	 */
	private static final class DrainEndMark implements SmartLifecycle {

		private final AtomicLong drainEnded;

		private volatile boolean running;

		DrainEndMark(AtomicLong drainEnded) {
			this.drainEnded = drainEnded;
		}

		@Override
		public void start() {
			this.running = true;
		}

		@Override
		public void stop() {
			this.drainEnded.set(System.nanoTime());
			this.running = false;
		}

		@Override
		public boolean isRunning() {
			return this.running;
		}

		@Override
		public int getPhase() {
			return (LifecyclePhases.CLIENT_STREAMS + LifecyclePhases.CHANNELS) / 2;
		}

	}

}
