package dev.triplestream.server;

import io.grpc.ServerBuilder;

/**
 * Customises the builders of a {@link TripleServer} beyond what its properties cover. Beans of this
 * type are applied in order after the {@code triple.server.*} properties, and before services and
 * interceptors are added.
 * <p>
 * The network server's builder is a netty-shaded {@code NettyServerBuilder}; when an in-process
 * name is configured, the in-process server's {@code InProcessServerBuilder} is customised too.
 * Check the type before calling transport-specific methods. Interceptors a customizer adds run
 * inside the call tracking and the server-wide interceptor beans.
 */
@FunctionalInterface
public interface TripleServerBuilderCustomizer {

	void customize(ServerBuilder<?> builder);

}
