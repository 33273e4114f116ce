package dev.triplestream.autoconfigure;

import java.net.InetAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Configuration of the Triple server ({@code triple.server.*}).
 */
@ConfigurationProperties("triple.server")
public class TripleServerProperties {

	/**
	 * Whether to run the Triple server. When enabled, it runs as soon as the application has at least
	 * one service bean (a BindableService).
	 */
	private boolean enabled = true;

	/**
	 * Port the server listens on. 0 picks a free port, published as 'local.triple.server.port'; -1
	 * turns the network listener off, serving in-process only (needs 'in-process-name').
	 */
	private int port = 9090;

	/**
	 * Network address the server binds to. By default, every interface.
	 */
	private InetAddress address;

	/**
	 * Name under which the services are also served in-process (for tests and same-JVM callers).
	 * By default, not served in-process.
	 */
	private String inProcessName;

	/**
	 * Whether every BindableService bean is served. When false, only beans annotated with
	 * '@TripleService' are.
	 */
	private boolean registerAllBindableServices = true;

	/**
	 * Largest message a client may send; larger ones end their call with RESOURCE_EXHAUSTED. By
	 * default, gRPC's 4MB.
	 */
	private DataSize maxInboundMessageSize;

	/**
	 * Largest header (metadata) block a client may send. By default, gRPC's 8KB.
	 */
	private DataSize maxInboundMetadataSize;

	/**
	 * Most calls one client connection may have open at once. By default, no limit.
	 */
	private Integer maxConcurrentCallsPerConnection;

	/**
	 * Least time between two keepalive pings from a client that the server tolerates; clients
	 * pinging more often are disconnected. By default, gRPC's 5 minutes.
	 */
	private Duration permitKeepaliveTime;

	/**
	 * Whether clients may send keepalive pings while they have no call open.
	 */
	private boolean permitKeepaliveWithoutCalls = false;

	private final Ssl ssl = new Ssl();

	private final Keepalive keepalive = new Keepalive();

	private final Shutdown shutdown = new Shutdown();

	private final Streams streams = new Streams();

	private final Registry registry = new Registry();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public int getPort() {
		return this.port;
	}

	public void setPort(int port) {
		this.port = port;
	}

	public InetAddress getAddress() {
		return this.address;
	}

	public void setAddress(InetAddress address) {
		this.address = address;
	}

	public String getInProcessName() {
		return this.inProcessName;
	}

	public void setInProcessName(String inProcessName) {
		this.inProcessName = inProcessName;
	}

	public boolean isRegisterAllBindableServices() {
		return this.registerAllBindableServices;
	}

	public void setRegisterAllBindableServices(boolean registerAllBindableServices) {
		this.registerAllBindableServices = registerAllBindableServices;
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

	public Integer getMaxConcurrentCallsPerConnection() {
		return this.maxConcurrentCallsPerConnection;
	}

	public void setMaxConcurrentCallsPerConnection(Integer maxConcurrentCallsPerConnection) {
		this.maxConcurrentCallsPerConnection = maxConcurrentCallsPerConnection;
	}

	public Duration getPermitKeepaliveTime() {
		return this.permitKeepaliveTime;
	}

	public void setPermitKeepaliveTime(Duration permitKeepaliveTime) {
		this.permitKeepaliveTime = permitKeepaliveTime;
	}

	public boolean isPermitKeepaliveWithoutCalls() {
		return this.permitKeepaliveWithoutCalls;
	}

	public void setPermitKeepaliveWithoutCalls(boolean permitKeepaliveWithoutCalls) {
		this.permitKeepaliveWithoutCalls = permitKeepaliveWithoutCalls;
	}

	public Ssl getSsl() {
		return this.ssl;
	}

	public Keepalive getKeepalive() {
		return this.keepalive;
	}

	public Shutdown getShutdown() {
		return this.shutdown;
	}

	public Registry getRegistry() {
		return this.registry;
	}

	public Streams getStreams() {
		return this.streams;
	}

	/**
	 * TLS of the network server.
	 */
	public static class Ssl {

		/**
		 * Name of the SSL bundle ('spring.ssl.bundle.*') holding the server's key and certificate, and,
		 * for client authentication, the trusted certificates. When set, the server accepts TLS only.
		 */
		private String bundle;

		/**
		 * Whether clients must present a certificate the bundle's trust material accepts.
		 */
		private ClientAuth clientAuth = ClientAuth.NONE;

		public String getBundle() {
			return this.bundle;
		}

		public void setBundle(String bundle) {
			this.bundle = bundle;
		}

		public ClientAuth getClientAuth() {
			return this.clientAuth;
		}

		public void setClientAuth(ClientAuth clientAuth) {
			this.clientAuth = clientAuth;
		}

	}

	/**
	 * Whether the server asks TLS clients for a certificate.
	 */
	public enum ClientAuth {

		/** Clients are not asked for a certificate. */
		NONE,

		/** Clients are asked for a certificate, but may connect without one. */
		OPTIONAL,

		/** Clients must present a trusted certificate. */
		REQUIRE

	}

	/**
	 * Keepalive pings the server sends on its connections, which detect a client gone silently (a
	 * crashed host, a dropped connection), so that its calls are cancelled and their resources freed.
	 */
	public static class Keepalive {

		/**
		 * Time without reads on a connection after which the server pings the client.
		 */
		private Duration time = Duration.ofMinutes(5);

		/**
		 * Time the server waits for a ping's answer before it closes the connection, cancelling its
		 * calls.
		 */
		private Duration timeout = Duration.ofSeconds(20);

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

	}

	/**
	 * The server's graceful drain when the application stops.
	 */
	public static class Shutdown {

		/**
		 * Time calls in flight at shutdown get to end by themselves. The server takes no new calls
		 * meanwhile; calls still open afterwards are ended with UNAVAILABLE, which clients may retry
		 * elsewhere.
		 */
		private Duration gracePeriod = Duration.ofSeconds(30);

		/**
		 * Time the server goes on serving new calls once it announced its shutdown (health
		 * OUT_OF_SERVICE, gRPC health NOT_SERVING, readiness REFUSING_TRAFFIC) and left its registry
		 * (triple.server.registry.address), before it refuses new calls and drains: clients and load
		 * balancers see it leave before it refuses anything. Behind a Kubernetes Service, set it to the
		 * readiness probe's period. 0s when not set, but 2s when a registry is configured.
		 */
		private Duration announcePeriod;

		public Duration getGracePeriod() {
			return this.gracePeriod;
		}

		public void setGracePeriod(Duration gracePeriod) {
			this.gracePeriod = gracePeriod;
		}

		public Duration getAnnouncePeriod() {
			return this.announcePeriod;
		}

		public void setAnnouncePeriod(Duration announcePeriod) {
			this.announcePeriod = announcePeriod;
		}

	}

	/**
	 * Lifecycle limits of the server's streaming calls (every type but unary).
	 */
	public static class Streams {

		/**
		 * How long a stream may go without a message in either direction before the server cancels
		 * it: the client sees DEADLINE_EXCEEDED naming this property, the handler its cancellation. No
		 * limit when not set or 0.
		 */
		private Duration idleTimeout;

		/**
		 * How long after its start a stream gets the drain notice, and is then (after
		 * 'max-age-grace') ended with UNAVAILABLE naming this property, so that clients reconnect and
		 * long-lived streams spread over a fleet. No limit when not set or 0.
		 */
		private Duration maxAge;

		/**
		 * How long a stream that reached its max age has, after its drain notice, to end by itself
		 * before it is ended with UNAVAILABLE.
		 */
		private Duration maxAgeGrace = Duration.ofSeconds(5);

		/**
		 * Most streams the server keeps open at once, over all its transports; more are refused with
		 * RESOURCE_EXHAUSTED, and those open are untouched. Unary calls are not counted. No limit when
		 * not set.
		 */
		private Integer maxConcurrent;

		/**
		 * Most bytes a stream's client may leave unread: what its handler sent while the call was not
		 * ready (flow control full, because the client does not read), since it last was. Beyond it the
		 * stream ends with RESOURCE_EXHAUSTED, end reason 'limit-exceeded', bounding what a handler that
		 * ignores isReady() makes the server buffer. Handlers that send only while isReady() is true
		 * never reach it. Counted on the network transport, for every call. 0 for no limit.
		 */
		private DataSize maxPendingOutbound = DataSize.ofMegabytes(32);

		/**
		 * Limits of one service or one method, over the ones above and those of the service's
		 * '@TripleService', keyed by full service name or full method name ('package.Service/Method'),
		 * in brackets: 'services[pkg.ChatService].idle-timeout' or, in YAML, '"[pkg.ChatService/Ticks]":'.
		 */
		private Map<String, Limits> services = new LinkedHashMap<>();

		public Duration getIdleTimeout() {
			return this.idleTimeout;
		}

		public void setIdleTimeout(Duration idleTimeout) {
			this.idleTimeout = idleTimeout;
		}

		public Duration getMaxAge() {
			return this.maxAge;
		}

		public void setMaxAge(Duration maxAge) {
			this.maxAge = maxAge;
		}

		public Duration getMaxAgeGrace() {
			return this.maxAgeGrace;
		}

		public void setMaxAgeGrace(Duration maxAgeGrace) {
			this.maxAgeGrace = maxAgeGrace;
		}

		public Integer getMaxConcurrent() {
			return this.maxConcurrent;
		}

		public void setMaxConcurrent(Integer maxConcurrent) {
			this.maxConcurrent = maxConcurrent;
		}

		public DataSize getMaxPendingOutbound() {
			return this.maxPendingOutbound;
		}

		public void setMaxPendingOutbound(DataSize maxPendingOutbound) {
			this.maxPendingOutbound = maxPendingOutbound;
		}

		public Map<String, Limits> getServices() {
			return this.services;
		}

		public void setServices(Map<String, Limits> services) {
			this.services = services;
		}

	}

	/**
	 * The limits of one service's or one method's streams.
	 */
	public static class Limits {

		/**
		 * Idle timeout of these streams. 0 for no limit; when not set, the service's or the
		 * server's.
		 */
		private Duration idleTimeout;

		/**
		 * Max age of these streams. 0 for no limit; when not set, the service's or the server's.
		 */
		private Duration maxAge;

		public Duration getIdleTimeout() {
			return this.idleTimeout;
		}

		public void setIdleTimeout(Duration idleTimeout) {
			this.idleTimeout = idleTimeout;
		}

		public Duration getMaxAge() {
			return this.maxAge;
		}

		public void setMaxAge(Duration maxAge) {
			this.maxAge = maxAge;
		}

	}

	/**
	 * Registration of the served services in a ZooKeeper registry, in Dubbo's interface-level layout.
	 */
	public static class Registry {

		/**
		 * Registry to register in: 'zookeeper://host:port[,host:port...]', or 'zookeeper://NAME'
		 * for a registry configured under triple.registry.NAME. No registration when not set.
		 */
		private String address;

		/**
		 * Host (an IP address) that clients are told to connect to. By default a non-loopback
		 * address of this machine, or the loopback address when the server binds loopback.
		 */
		private String advertisedAddress;

		/**
		 * Interface name registered per served service, keyed by the service's full proto name
		 * (such as 'greet.Greeter'). By default the name of the Java interface Dubbo's IDL code
		 * generation makes: the java package of the service's generated *Grpc class, a dot, the
		 * service's simple name.
		 */
		private Map<String, String> interfaces = new LinkedHashMap<>();

		/**
		 * Service group registered for every service. None when not set.
		 */
		private String group;

		/**
		 * Service version registered for every service. None when not set.
		 */
		private String version;

		/**
		 * Application name registered with every service ('application' parameter).
		 */
		private String application = "triplestream";

		public String getAddress() {
			return this.address;
		}

		public void setAddress(String address) {
			this.address = address;
		}

		public String getAdvertisedAddress() {
			return this.advertisedAddress;
		}

		public void setAdvertisedAddress(String advertisedAddress) {
			this.advertisedAddress = advertisedAddress;
		}

		public Map<String, String> getInterfaces() {
			return this.interfaces;
		}

		public void setInterfaces(Map<String, String> interfaces) {
			this.interfaces = interfaces;
		}

		public String getGroup() {
			return this.group;
		}

		public void setGroup(String group) {
			this.group = group;
		}

		public String getVersion() {
			return this.version;
		}

		public void setVersion(String version) {
			this.version = version;
		}

		public String getApplication() {
			return this.application;
		}

		public void setApplication(String application) {
			this.application = application;
		}

	}

}
