package dev.triplestream.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.util.unit.DataSize;

import dev.triplestream.client.DrainPolicy;

/**
 * The settings of one client channel, under {@code triple.client.channels.<name>}, or the defaults
 * every channel inherits, under {@code triple.client.defaults}. A channel takes each value from the
 * defaults unless it sets its own; its {@code headers} are merged with the defaults' headers, its
 * own winning on the same name.
 */
public class ChannelProperties {

	/**
	 * Where the channel connects, in grpc-java's target syntax: 'host:port' or 'dns:///host:port'
	 * (resolved through DNS), 'static://host1:port1,host2:port2' (a fixed list of addresses, all
	 * used by the load balancer), or 'in-process:NAME' (the in-process server of that name).
	 */
	private String target;

	/**
	 * Transport security of the channel.
	 */
	private final Ssl ssl = new Ssl();

	/**
	 * Credentials sent with every call of the channel.
	 */
	@NestedConfigurationProperty
	private final ChannelAuthProperties auth = new ChannelAuthProperties();

	/**
	 * Load-balancing policy: 'pick_first' uses one address at a time, 'round_robin' spreads calls
	 * over every resolved address. Any policy registered with grpc-java is accepted. Not applied to
	 * in-process targets.
	 */
	private String loadBalancingPolicy = "pick_first";

	/**
	 * HTTP/2 keepalive pings, which detect a dead connection (a crashed host, a silently dropped
	 * connection) so that the calls on it end with UNAVAILABLE instead of waiting forever. On by
	 * default. Not applied to in-process targets.
	 */
	private final Keepalive keepalive = new Keepalive();

	/**
	 * Largest message the channel accepts from the server; a larger one fails its call with
	 * RESOURCE_EXHAUSTED.
	 */
	private DataSize maxInboundMessageSize = DataSize.ofMegabytes(4);

	/**
	 * Largest total size of the headers or trailers the channel accepts from the server.
	 */
	private DataSize maxInboundMetadataSize = DataSize.ofKilobytes(8);

	/**
	 * User agent sent with every call, before grpc-java's own.
	 */
	private String userAgent;

	/**
	 * Default deadline of unary calls, counted from the start of each call. No deadline when not
	 * set. Never applied to streaming calls: see 'stream-deadline'.
	 */
	private Duration deadline;

	/**
	 * Longest a streaming call may live, counted from its start and sent to the server as its
	 * deadline. No limit when not set.
	 */
	private Duration streamDeadline;

	/**
	 * How long a stream may go without a message in either direction before it is cancelled. No
	 * limit when not set.
	 */
	private Duration idleTimeout;

	/**
	 * How long close() waits for the server to end a bidi stream it half-closed, before cancelling
	 * it. Zero cancels at once. A server stream, or a bidi stream the application had already
	 * half-closed, is cancelled at once.
	 */
	private Duration closeTimeout = Duration.ofSeconds(5);

	/**
	 * What the shutdown drain does to an open bidi stream after its drain notice: 'half-close' (end
	 * the conversation, let the server finish) or 'cancel' (never half-close; cancelled at the end
	 * of the grace period unless it ends by itself). Client-streaming calls are never half-closed by
	 * the drain. 'inherit' takes the value under triple.client.defaults, else 'half-close'.
	 */
	private DrainPolicy drainPolicy = DrainPolicy.INHERIT;

	/**
	 * Static metadata added to every call on the channel, such as Triple's 'tri-service-group' and
	 * 'tri-service-version'. Names are ASCII metadata keys (binary '-bin' keys are not supported).
	 */
	private Map<String, String> headers = new LinkedHashMap<>();

	/**
	 * Triple service group of every call, sent as the 'tri-service-group' header (replacing that
	 * header if also set under 'headers').
	 */
	private String serviceGroup;

	/**
	 * Triple service version of every call, sent as the 'tri-service-version' header (replacing
	 * that header if also set under 'headers').
	 */
	private String serviceVersion;

	public String getTarget() {
		return this.target;
	}

	public void setTarget(String target) {
		this.target = target;
	}

	public Ssl getSsl() {
		return this.ssl;
	}

	public ChannelAuthProperties getAuth() {
		return this.auth;
	}

	public String getLoadBalancingPolicy() {
		return this.loadBalancingPolicy;
	}

	public void setLoadBalancingPolicy(String loadBalancingPolicy) {
		this.loadBalancingPolicy = loadBalancingPolicy;
	}

	public Keepalive getKeepalive() {
		return this.keepalive;
	}

	public DataSize getMaxInboundMessageSize() {
		return this.maxInboundMessageSize;
	}

	public void setMaxInboundMessageSize(DataSize maxInboundMessageSize) {
		this.maxInboundMessageSize = maxInboundMessageSize;
	}

	public DataSize getMaxInboundMetadataSize() {
		return this.maxInboundMetadataSize;
	}

	public void setMaxInboundMetadataSize(DataSize maxInboundMetadataSize) {
		this.maxInboundMetadataSize = maxInboundMetadataSize;
	}

	public String getUserAgent() {
		return this.userAgent;
	}

	public void setUserAgent(String userAgent) {
		this.userAgent = userAgent;
	}

	public Duration getDeadline() {
		return this.deadline;
	}

	public void setDeadline(Duration deadline) {
		this.deadline = deadline;
	}

	public Duration getStreamDeadline() {
		return this.streamDeadline;
	}

	public void setStreamDeadline(Duration streamDeadline) {
		this.streamDeadline = streamDeadline;
	}

	public Duration getIdleTimeout() {
		return this.idleTimeout;
	}

	public void setIdleTimeout(Duration idleTimeout) {
		this.idleTimeout = idleTimeout;
	}

	public Duration getCloseTimeout() {
		return this.closeTimeout;
	}

	public void setCloseTimeout(Duration closeTimeout) {
		this.closeTimeout = closeTimeout;
	}

	public DrainPolicy getDrainPolicy() {
		return this.drainPolicy;
	}

	public void setDrainPolicy(DrainPolicy drainPolicy) {
		this.drainPolicy = drainPolicy;
	}

	public Map<String, String> getHeaders() {
		return this.headers;
	}

	public void setHeaders(Map<String, String> headers) {
		this.headers = headers;
	}

	public String getServiceGroup() {
		return this.serviceGroup;
	}

	public void setServiceGroup(String serviceGroup) {
		this.serviceGroup = serviceGroup;
	}

	public String getServiceVersion() {
		return this.serviceVersion;
	}

	public void setServiceVersion(String serviceVersion) {
		this.serviceVersion = serviceVersion;
	}

	/** What a secret shows in {@code toString()}: whether it is set, never its value. */
	/** A deep copy, onto which a channel's own settings can be bound without touching these. */
	ChannelProperties copy() {
		ChannelProperties copy = new ChannelProperties();
		copy.target = this.target;
		copy.ssl.enabled = this.ssl.enabled;
		copy.ssl.bundle = this.ssl.bundle;
		this.auth.copyTo(copy.auth);
		copy.loadBalancingPolicy = this.loadBalancingPolicy;
		copy.keepalive.enabled = this.keepalive.enabled;
		copy.keepalive.time = this.keepalive.time;
		copy.keepalive.timeout = this.keepalive.timeout;
		copy.keepalive.withoutCalls = this.keepalive.withoutCalls;
		copy.maxInboundMessageSize = this.maxInboundMessageSize;
		copy.maxInboundMetadataSize = this.maxInboundMetadataSize;
		copy.userAgent = this.userAgent;
		copy.deadline = this.deadline;
		copy.streamDeadline = this.streamDeadline;
		copy.idleTimeout = this.idleTimeout;
		copy.closeTimeout = this.closeTimeout;
		copy.drainPolicy = this.drainPolicy;
		copy.headers = new LinkedHashMap<>(this.headers);
		copy.serviceGroup = this.serviceGroup;
		copy.serviceVersion = this.serviceVersion;
		return copy;
	}

	/**
	 * Transport security of a channel. Plaintext unless 'enabled' is true or a 'bundle' is named;
	 * 'enabled: false' keeps a channel plaintext even when the defaults name a bundle. In-process
	 * targets never use TLS, whatever is set here.
	 */
	public static class Ssl {

		/**
		 * Whether the channel uses TLS. When not set, TLS is on exactly when a bundle is named.
		 * With TLS and no bundle, the server is checked against the JDK's default trust store.
		 */
		private Boolean enabled;

		/**
		 * Name of the Spring Boot SSL bundle (under 'spring.ssl.bundle') whose trust material
		 * checks the server and whose key, if any, is presented for mutual TLS.
		 */
		private String bundle;

		public Boolean getEnabled() {
			return this.enabled;
		}

		public void setEnabled(Boolean enabled) {
			this.enabled = enabled;
		}

		public String getBundle() {
			return this.bundle;
		}

		public void setBundle(String bundle) {
			this.bundle = bundle;
		}

		/** Whether these settings turn TLS on. */
		boolean turnsTlsOn() {
			return (this.enabled != null) ? this.enabled : this.bundle != null;
		}

	}

	/**
	 * HTTP/2 keepalive pings of a channel.
	 */
	public static class Keepalive {

		/**
		 * Whether the channel pings the server. Turning it off leaves a call on a connection that
		 * died silently open until its deadline, its idle timeout, or the operating system gives up
		 * on the connection.
		 */
		private boolean enabled = true;

		/**
		 * How long the connection may be silent before the channel pings the server. grpc-java
		 * servers disconnect clients that ping more often than they permit (every 5 minutes by
		 * default; 'triple.server.permit-keepalive-time'), and grpc-java clients never ping more
		 * often than every 10 seconds, whatever is set here.
		 */
		private Duration time = Duration.ofMinutes(5);

		/**
		 * How long the channel waits for a ping's acknowledgement before it considers the connection
		 * dead, closes it and fails its calls with UNAVAILABLE.
		 */
		private Duration timeout = Duration.ofSeconds(20);

		/**
		 * Whether to ping also while no call is open on the connection. Servers disconnect clients
		 * that do unless they permit it ('triple.server.permit-keepalive-without-calls').
		 */
		private boolean withoutCalls;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getTime() {
			return this.time;
		}

		public void setTime(Duration time) {
			this.time = time;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		public boolean isWithoutCalls() {
			return this.withoutCalls;
		}

		public void setWithoutCalls(boolean withoutCalls) {
			this.withoutCalls = withoutCalls;
		}

	}

}
