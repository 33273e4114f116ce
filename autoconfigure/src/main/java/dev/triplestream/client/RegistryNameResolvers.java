package dev.triplestream.client;

import java.util.Locale;

import io.grpc.NameResolverProvider;

/**
 * Resolves channel targets of one scheme through a service registry, such as
 * {@code zookeeper://} or {@code discovery:///}. The auto-configuration contributes one bean per
 * registry whose client library is on the class path; each channel with a target of that scheme
 * gets its own {@link NameResolverProvider}, handed to that channel's builder only, never to
 * grpc-java's global registry. Implementations are thread-safe.
 */
public interface RegistryNameResolvers {

	/** The target scheme handled, in lower case. */
	String scheme();

	/** Whether a target has this scheme. */
	default boolean handles(String target) {
		String prefix = scheme() + ":";
		return target != null && target.strip().toLowerCase(Locale.ROOT).startsWith(prefix);
	}

	/**
	 * The resolver of one channel's target. Nothing is started: resolution starts when grpc-java
	 * starts the resolver.
	 * @param channel the channel's name
	 * @param target the target as configured
	 * @param serviceGroup the channel's Triple service group, or null
	 * @param serviceVersion the channel's Triple service version, or null
	 * @throws IllegalArgumentException when the target is malformed; the message says what is wrong
	 */
	Resolution forChannel(String channel, String target, String serviceGroup, String serviceVersion);

	/**
	 * A channel's resolver.
	 *
	 * @param grpcTarget the target to give the channel's builder
	 * @param provider the provider that resolves it
	 */
	record Resolution(String grpcTarget, NameResolverProvider provider) {
	}

}
