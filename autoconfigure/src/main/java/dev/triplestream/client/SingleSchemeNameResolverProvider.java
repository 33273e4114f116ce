package dev.triplestream.client;

import java.net.URI;

import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;

/**
 * A {@link NameResolverProvider} of one target scheme, always available, handed to the builders of
 * the channels that use it and never registered in grpc-java's global registry (so its priority
 * only matters against the providers grpc-java registers itself). Subclasses make the resolvers.
 */
public abstract class SingleSchemeNameResolverProvider extends NameResolverProvider {

	private final String scheme;

	/** @param scheme the target scheme resolved, such as {@code static} */
	protected SingleSchemeNameResolverProvider(String scheme) {
		this.scheme = scheme;
	}

	@Override
	protected final boolean isAvailable() {
		return true;
	}

	@Override
	protected final int priority() {
		return 5;
	}

	@Override
	public final String getDefaultScheme() {
		return this.scheme;
	}

	@Override
	public final NameResolver newNameResolver(URI targetUri, NameResolver.Args args) {
		if (!this.scheme.equalsIgnoreCase(targetUri.getScheme())) {
			return null;
		}
		return resolverFor(targetUri, args);
	}

	/**
	 * The resolver of {@code targetUri}, whose scheme is this provider's. Called by grpc-java on the
	 * channel's construction; must not block.
	 */
	protected abstract NameResolver resolverFor(URI targetUri, NameResolver.Args args);

}
