package dev.triplestream.registry;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * A Dubbo provider URL, as Dubbo 3.3 writes one per service into its interface-level layout:
 * {@code /dubbo/INTERFACE/providers/<URL-encoded URL>}, the URL being
 * {@code PROTOCOL://HOST:PORT/PATH?key=value&...} ({@code org.apache.dubbo.common.URL#toFullString})
 * and the node name that string encoded with {@link URLEncoder} in UTF-8 ({@code URL.encode}).
 * Parameter values are written as they are (a list such as {@code methods} is comma-separated).
 * Immutable and thread-safe.
 *
 * @param protocol such as {@code tri} or {@code dubbo}
 * @param host the provider's host
 * @param port the provider's port
 * @param path the service path (the interface name unless Dubbo's {@code path} is set)
 * @param parameters the query parameters, sorted by name
 */
public record DubboUrl(String protocol, String host, int port, String path, Map<String, String> parameters) {

	public DubboUrl {
		parameters = Collections.unmodifiableMap(new TreeMap<>(parameters));
	}

	/**
	 * Parses a node name of Dubbo's {@code providers} folder.
	 * @throws IllegalArgumentException when it is not a Dubbo URL
	 */
	public static DubboUrl fromNodeName(String nodeName) {
		return parse(URLDecoder.decode(nodeName, StandardCharsets.UTF_8));
	}

	/**
	 * Parses a Dubbo URL string.
	 * @throws IllegalArgumentException when it is not one
	 */
	public static DubboUrl parse(String url) {
		int scheme = url.indexOf("://");
		if (scheme <= 0) {
			throw new IllegalArgumentException("not a Dubbo URL: " + url);
		}
		String rest = url.substring(scheme + 3);
		int query = rest.indexOf('?');
		Map<String, String> parameters = new TreeMap<>();
		if (query >= 0) {
			for (String pair : rest.substring(query + 1).split("&")) {
				int equals = pair.indexOf('=');
				if (equals > 0) {
					parameters.put(pair.substring(0, equals), pair.substring(equals + 1));
				}
			}
			rest = rest.substring(0, query);
		}
		int slash = rest.indexOf('/');
		String address = (slash >= 0) ? rest.substring(0, slash) : rest;
		String path = (slash >= 0) ? rest.substring(slash + 1) : "";
		int colon = address.lastIndexOf(':');
		if (colon <= 0) {
			throw new IllegalArgumentException("a Dubbo URL without a port: " + url);
		}
		try {
			return new DubboUrl(url.substring(0, scheme), address.substring(0, colon),
					Integer.parseInt(address.substring(colon + 1)), path, parameters);
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("a Dubbo URL with a bad port: " + url);
		}
	}

	/** The full URL, parameters sorted by name, as {@code URL.toFullString()} writes it. */
	public String toFullString() {
		StringBuilder url = new StringBuilder(this.protocol).append("://").append(this.host).append(':')
			.append(this.port).append('/').append(this.path);
		String separator = "?";
		for (Map.Entry<String, String> parameter : this.parameters.entrySet()) {
			url.append(separator).append(parameter.getKey()).append('=').append(parameter.getValue());
			separator = "&";
		}
		return url.toString();
	}

	/** The name of this URL's node in the {@code providers} folder. */
	public String toNodeName() {
		return URLEncoder.encode(toFullString(), StandardCharsets.UTF_8);
	}

	/** The service interface: the {@code interface} parameter, else the path. */
	public String serviceInterface() {
		return this.parameters.getOrDefault("interface", this.path);
	}

	/** A parameter, or null. */
	public String parameter(String name) {
		return this.parameters.get(name);
	}

}
