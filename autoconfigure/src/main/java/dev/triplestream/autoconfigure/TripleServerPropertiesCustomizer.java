package dev.triplestream.autoconfigure;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.grpc.ServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.util.unit.DataSize;

import dev.triplestream.server.TripleServerBuilderCustomizer;

/**
 * Applies the transport settings of {@link TripleServerProperties} to the network server's builder
 * (the in-process transport has none of these limits). Checks every value first, so that a wrong
 * one fails start-up with its property's name.
 */
class TripleServerPropertiesCustomizer implements TripleServerBuilderCustomizer {

	private final TripleServerProperties properties;

	TripleServerPropertiesCustomizer(TripleServerProperties properties) {
		this.properties = properties;
		validate(properties);
	}

	private static void validate(TripleServerProperties properties) {
		int port = properties.getPort();
		if (port < -1 || port > 65535) {
			throw new InvalidConfigurationPropertyValueException("triple.server.port", port,
					"Must be between 0 (any free port) and 65535, or -1 (no network listener)");
		}
		if (port == -1 && properties.getInProcessName() == null) {
			throw new InvalidConfigurationPropertyValueException("triple.server.port", port,
					"-1 turns the network listener off, which leaves nothing to serve on unless"
							+ " triple.server.in-process-name is set");
		}
		bytes("triple.server.max-inbound-message-size", properties.getMaxInboundMessageSize());
		bytes("triple.server.max-inbound-metadata-size", properties.getMaxInboundMetadataSize());
		Integer calls = properties.getMaxConcurrentCallsPerConnection();
		if (calls != null && calls <= 0) {
			throw new InvalidConfigurationPropertyValueException("triple.server.max-concurrent-calls-per-connection",
					calls, "Must be positive");
		}
		positive("triple.server.keepalive.time", properties.getKeepalive().getTime());
		positive("triple.server.keepalive.timeout", properties.getKeepalive().getTimeout());
		Duration permit = properties.getPermitKeepaliveTime();
		if (permit != null && permit.isNegative()) {
			throw new InvalidConfigurationPropertyValueException("triple.server.permit-keepalive-time", permit,
					"Must not be negative");
		}
		Duration grace = properties.getShutdown().getGracePeriod();
		if (grace == null || grace.isNegative()) {
			throw new InvalidConfigurationPropertyValueException("triple.server.shutdown.grace-period", grace,
					"Must be zero or positive");
		}
		TripleServerProperties.Streams streams = properties.getStreams();
		notNegative("triple.server.streams.idle-timeout", streams.getIdleTimeout());
		notNegative("triple.server.streams.max-age", streams.getMaxAge());
		Duration maxAgeGrace = streams.getMaxAgeGrace();
		if (maxAgeGrace == null || maxAgeGrace.isNegative()) {
			throw new InvalidConfigurationPropertyValueException("triple.server.streams.max-age-grace", maxAgeGrace,
					"Must be zero or positive");
		}
		Integer maxConcurrent = streams.getMaxConcurrent();
		if (maxConcurrent != null && maxConcurrent <= 0) {
			throw new InvalidConfigurationPropertyValueException("triple.server.streams.max-concurrent", maxConcurrent,
					"Must be positive (leave it unset for no limit)");
		}
		DataSize pending = streams.getMaxPendingOutbound();
		if (pending == null || pending.isNegative()) {
			throw new InvalidConfigurationPropertyValueException("triple.server.streams.max-pending-outbound", pending,
					"Must be positive, or 0 for no limit");
		}
		streams.getServices().forEach((name, limits) -> {
			notNegative("triple.server.streams.services[" + name + "].idle-timeout", limits.getIdleTimeout());
			notNegative("triple.server.streams.services[" + name + "].max-age", limits.getMaxAge());
		});
	}

	private static void notNegative(String name, Duration duration) {
		if (duration != null && duration.isNegative()) {
			throw new InvalidConfigurationPropertyValueException(name, duration, "Must be positive, or 0 for no limit");
		}
	}

	private static void bytes(String name, DataSize size) {
		if (size != null && (size.toBytes() <= 0 || size.toBytes() > Integer.MAX_VALUE)) {
			throw new InvalidConfigurationPropertyValueException(name, size,
					"Must be positive and at most " + Integer.MAX_VALUE + " bytes");
		}
	}

	private static void positive(String name, Duration duration) {
		if (duration != null && (duration.isNegative() || duration.isZero())) {
			throw new InvalidConfigurationPropertyValueException(name, duration, "Must be positive");
		}
	}

	@Override
	public void customize(ServerBuilder<?> builder) {
		if (!(builder instanceof NettyServerBuilder netty)) {
			return;
		}
		TripleServerProperties properties = this.properties;
		if (properties.getMaxInboundMessageSize() != null) {
			netty.maxInboundMessageSize((int) properties.getMaxInboundMessageSize().toBytes());
		}
		if (properties.getMaxInboundMetadataSize() != null) {
			netty.maxInboundMetadataSize((int) properties.getMaxInboundMetadataSize().toBytes());
		}
		if (properties.getMaxConcurrentCallsPerConnection() != null) {
			netty.maxConcurrentCallsPerConnection(properties.getMaxConcurrentCallsPerConnection());
		}
		if (properties.getKeepalive().getTime() != null) {
			netty.keepAliveTime(properties.getKeepalive().getTime().toNanos(), TimeUnit.NANOSECONDS);
		}
		if (properties.getKeepalive().getTimeout() != null) {
			netty.keepAliveTimeout(properties.getKeepalive().getTimeout().toNanos(), TimeUnit.NANOSECONDS);
		}
		if (properties.getPermitKeepaliveTime() != null) {
			netty.permitKeepAliveTime(properties.getPermitKeepaliveTime().toNanos(), TimeUnit.NANOSECONDS);
		}
		netty.permitKeepAliveWithoutCalls(properties.isPermitKeepaliveWithoutCalls());
	}

}
