package dev.triplestream.client;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A channel's target, parsed and checked. The syntax is grpc-java's, with two additions:
 * <ul>
 * <li>{@code host:port} or {@code dns:///host:port}: the host name is resolved through DNS;</li>
 * <li>{@code static://h1:p1,h2:p2}: a fixed list of addresses (IPv4 literals or host names), all
 * handed to the load balancer, so that {@code round_robin} spreads calls over them;</li>
 * <li>{@code in-process:NAME}: grpc-java's in-process transport to the server of that name;</li>
 * <li>{@code scheme:/...}: any other scheme that grpc-java's default name resolver registry knows
 * (such as {@code unix}), passed through unchecked.</li>
 * </ul>
 * Immutable and thread-safe.
 */
public final class ChannelTarget {

	/** The scheme of a fixed address list. */
	public static final String STATIC_SCHEME = "static";

	/** The prefix of an in-process target. */
	public static final String IN_PROCESS_PREFIX = "in-process:";

	private static final Pattern SCHEME = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*):(.*)", Pattern.DOTALL);

	private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_])?");

	private static final Pattern IPV6_LITERAL = Pattern.compile("[0-9A-Fa-f:.]+(%[A-Za-z0-9_.-]+)?");

	/** How a target reaches its server. */
	public enum Kind {

		/** One host name or address, resolved through DNS ({@code host:port}, {@code dns:///host:port}). */
		DNS,

		/** A fixed list of addresses ({@code static://...}). */
		STATIC,

		/** grpc-java's in-process transport ({@code in-process:NAME}). */
		IN_PROCESS,

		/** Another scheme known to grpc-java, passed through as written. */
		OTHER

	}

	private final String text;

	private final Kind kind;

	private final String inProcessName;

	private final List<InetSocketAddress> addresses;

	private ChannelTarget(String text, Kind kind, String inProcessName, List<InetSocketAddress> addresses) {
		this.text = text;
		this.kind = kind;
		this.inProcessName = inProcessName;
		this.addresses = List.copyOf(addresses);
	}

	/**
	 * Parses a target.
	 * @param text the target as configured
	 * @param knownScheme whether grpc-java can resolve a scheme other than {@code dns},
	 * {@code static} and {@code in-process}
	 * @throws IllegalArgumentException when the target is malformed; the message says what is wrong
	 * and is meant to be shown to whoever configured it
	 */
	public static ChannelTarget parse(String text, Predicate<String> knownScheme) {
		if (text == null || text.isBlank()) {
			throw new IllegalArgumentException("the target is empty");
		}
		String target = text.strip();
		if (target.startsWith(IN_PROCESS_PREFIX)) {
			String name = target.substring(IN_PROCESS_PREFIX.length());
			if (name.isEmpty()) {
				throw new IllegalArgumentException("an in-process target needs a server name, as in in-process:NAME");
			}
			return new ChannelTarget(target, Kind.IN_PROCESS, name, List.of());
		}
		Matcher scheme = SCHEME.matcher(target);
		// "host:port" also matches scheme:rest; a URI with a scheme is told apart by the slash after the colon
		if (scheme.matches() && scheme.group(2).startsWith("/")) {
			String name = scheme.group(1).toLowerCase(Locale.ROOT);
			if (name.equals("dns")) {
				return new ChannelTarget(target, Kind.DNS, null, List.of(parseDns(target)));
			}
			if (name.equals(STATIC_SCHEME)) {
				return new ChannelTarget(target, Kind.STATIC, null, parseStatic(target));
			}
			if (knownScheme.test(name)) {
				return new ChannelTarget(target, Kind.OTHER, null, List.of());
			}
			throw new IllegalArgumentException("unknown scheme '" + scheme.group(1)
					+ "'; use host:port, dns:///host:port, static://host1:port1,host2:port2 or in-process:NAME");
		}
		return new ChannelTarget(target, Kind.DNS, null, List.of(parseAddress(target)));
	}

	private static InetSocketAddress parseDns(String target) {
		URI uri;
		try {
			uri = new URI(target);
		}
		catch (URISyntaxException ex) {
			throw new IllegalArgumentException("not a valid URI: " + ex.getMessage());
		}
		String path = uri.getPath();
		if (path == null || path.length() <= 1) {
			throw new IllegalArgumentException("a dns target names its host and port after three slashes, as in dns:///host:port");
		}
		return parseAddress(path.substring(1));
	}

	private static List<InetSocketAddress> parseStatic(String target) {
		String prefix = STATIC_SCHEME + "://";
		if (!target.regionMatches(true, 0, prefix, 0, prefix.length())) {
			throw new IllegalArgumentException("a static target lists its addresses after two slashes, as in static://host1:port1,host2:port2");
		}
		return parseAddressList(target.substring(prefix.length()));
	}

	private static String staticTarget(List<InetSocketAddress> addresses) {
		StringBuilder list = new StringBuilder();
		for (InetSocketAddress address : addresses) {
			if (!list.isEmpty()) {
				list.append(',');
			}
			list.append(address.getHostString()).append(':').append(address.getPort());
		}
		return STATIC_SCHEME + ":///" + list;
	}

	/**
	 * Parses the comma-separated {@code host:port} list of a static target.
	 * @throws IllegalArgumentException when the list is empty or an entry is malformed
	 */
	static List<InetSocketAddress> parseAddressList(String list) {
		if (list == null || list.isBlank()) {
			throw new IllegalArgumentException("the static address list is empty; list host:port entries separated by commas");
		}
		List<InetSocketAddress> addresses = new ArrayList<>();
		for (String entry : list.split(",", -1)) {
			if (entry.isBlank()) {
				throw new IllegalArgumentException("the static address list '" + list + "' has an empty entry");
			}
			InetSocketAddress address = parseAddress(entry.strip());
			if (address.getHostString().contains(":")) {
				throw new IllegalArgumentException("IPv6 literals are not supported in a static list: " + entry.strip());
			}
			addresses.add(address);
		}
		return addresses;
	}

	/**
	 * Parses {@code host:port} or {@code [ipv6]:port} into an unresolved address.
	 * @throws IllegalArgumentException when the port is missing or out of range, or the host is not
	 * a valid name or literal
	 */
	static InetSocketAddress parseAddress(String hostAndPort) {
		String host;
		String port;
		if (hostAndPort.startsWith("[")) {
			int close = hostAndPort.indexOf(']');
			if (close < 0) {
				throw new IllegalArgumentException("'" + hostAndPort + "' opens an IPv6 literal with '[' but never closes it");
			}
			host = hostAndPort.substring(1, close);
			if (!IPV6_LITERAL.matcher(host).matches()) {
				throw new IllegalArgumentException("'" + host + "' is not an IPv6 literal");
			}
			String rest = hostAndPort.substring(close + 1);
			if (!rest.startsWith(":")) {
				throw new IllegalArgumentException("'" + hostAndPort + "' has no port; write [address]:port");
			}
			port = rest.substring(1);
		}
		else {
			int colon = hostAndPort.lastIndexOf(':');
			if (colon < 0) {
				throw new IllegalArgumentException("'" + hostAndPort + "' has no port; write host:port");
			}
			host = hostAndPort.substring(0, colon);
			port = hostAndPort.substring(colon + 1);
			if (host.contains(":")) {
				throw new IllegalArgumentException("'" + hostAndPort + "' looks like an IPv6 literal; write [address]:port");
			}
			if (!HOST_NAME.matcher(host).matches()) {
				throw new IllegalArgumentException("'" + host + "' is not a valid host name or address");
			}
		}
		return InetSocketAddress.createUnresolved(host, parsePort(hostAndPort, port));
	}

	private static int parsePort(String hostAndPort, String port) {
		if (port.isEmpty()) {
			throw new IllegalArgumentException("'" + hostAndPort + "' has no port; write host:port");
		}
		int value;
		try {
			value = Integer.parseInt(port);
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("'" + port + "' in '" + hostAndPort + "' is not a port number");
		}
		if (value < 1 || value > 65535) {
			throw new IllegalArgumentException("port " + value + " in '" + hostAndPort + "' is outside 1-65535");
		}
		return value;
	}

	/** The target as configured (surrounding blanks removed). */
	public String text() {
		return this.text;
	}

	public Kind kind() {
		return this.kind;
	}

	/** The server name of an in-process target; null for other kinds. */
	public String inProcessName() {
		return this.inProcessName;
	}

	/**
	 * The addresses of a {@link Kind#DNS DNS} (one) or {@link Kind#STATIC static} target, unresolved;
	 * empty for other kinds.
	 */
	public List<InetSocketAddress> addresses() {
		return this.addresses;
	}

	/**
	 * The target to hand grpc-java's channel builder: a bare {@code host:port} becomes
	 * {@code dns:///host:port}, so that a host name that looks like a scheme is never read as one,
	 * and {@code static://h1:p1, h2:p2} becomes {@code static:///h1:p1,h2:p2}, the form
	 * {@link StaticNameResolverProvider} reads.
	 */
	public String grpcTarget() {
		if (this.kind == Kind.STATIC) {
			// grpc-java rejects a list as a URI's authority (host), so the list goes in the path
			return staticTarget(this.addresses);
		}
		if (this.kind == Kind.DNS && !this.text.regionMatches(true, 0, "dns:", 0, 4)) {
			return "dns:///" + this.text;
		}
		return this.text;
	}

	/**
	 * Whether every address of a DNS or static target is on this machine: {@code localhost} or a
	 * loopback literal. Host names are not resolved to find out. False for in-process and other
	 * targets, which have no network address to check.
	 */
	public boolean isLoopback() {
		if (this.addresses.isEmpty()) {
			return false;
		}
		for (InetSocketAddress address : this.addresses) {
			if (!isLoopback(address.getHostString())) {
				return false;
			}
		}
		return true;
	}

	/** Whether calls on this target leave the process over a network. */
	public boolean isNetwork() {
		return this.kind == Kind.DNS || this.kind == Kind.STATIC;
	}

	private static boolean isLoopback(String host) {
		if (host.equalsIgnoreCase("localhost")) {
			return true;
		}
		boolean literal = host.contains(":") || host.chars().allMatch((c) -> c == '.' || Character.isDigit(c));
		if (!literal) {
			return false;
		}
		try {
			// a literal is parsed, never looked up
			return InetAddress.getByName(host).isLoopbackAddress();
		}
		catch (UnknownHostException ex) {
			return false;
		}
	}

	@Override
	public String toString() {
		return this.text;
	}

}
