package dev.triplestream.autoconfigure;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLException;

import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.OpenSslSessionContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.stub.MetadataUtils;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.ssl.SslOptions;

import dev.triplestream.client.ChannelTarget;
import dev.triplestream.client.ClientStreams;
import dev.triplestream.client.RegistryNameResolvers;
import dev.triplestream.client.StaticNameResolverProvider;

/**
 * Builds the {@link ManagedChannel} of a {@link ResolvedChannel}: transport, TLS, the channel's
 * properties, then interceptors in this order of installation (grpc-java runs the last installed
 * first): the {@link ClientInterceptor} beans, whatever the customizers add, the static headers,
 * the channel's call credentials, the TLS handshake failure descriptions, and last the stream
 * lifecycle interceptor of {@link ClientStreams}, which so sees every call
 * first.
 */
final class ManagedChannelFactory {

	private final ClientStreams clientStreams;

	private final ObjectProvider<ClientInterceptor> interceptors;

	private final ObjectProvider<TripleChannelBuilderCustomizer> customizers;

	private final List<RegistryNameResolvers> registries;

	private final SslBundles sslBundles;

	ManagedChannelFactory(ClientStreams clientStreams, ObjectProvider<ClientInterceptor> interceptors,
			ObjectProvider<TripleChannelBuilderCustomizer> customizers) {
		this(clientStreams, interceptors, customizers, List.of(), null);
	}

	/**
	 * @param sslBundles the registry whose bundle reloads the channels follow; null when none
	 */
	ManagedChannelFactory(ClientStreams clientStreams, ObjectProvider<ClientInterceptor> interceptors,
			ObjectProvider<TripleChannelBuilderCustomizer> customizers, List<RegistryNameResolvers> registries,
			SslBundles sslBundles) {
		this.registries = registries;
		this.clientStreams = clientStreams;
		this.interceptors = interceptors;
		this.customizers = customizers;
		this.sslBundles = sslBundles;
	}

	ManagedChannel create(ResolvedChannel channel) {
		return create(channel, null);
	}

	/**
	 * @param credentials the channel's call credentials; null when it sends none
	 */
	ManagedChannel create(ResolvedChannel channel, ChannelCredentials credentials) {
		ChannelProperties properties = channel.properties();
		ManagedChannelBuilder<?> builder = (channel.target().kind() == ChannelTarget.Kind.IN_PROCESS)
				? InProcessChannelBuilder.forName(channel.target().inProcessName()) : network(channel);
		builder.maxInboundMessageSize((int) properties.getMaxInboundMessageSize().toBytes());
		builder.maxInboundMetadataSize((int) properties.getMaxInboundMetadataSize().toBytes());
		if (properties.getUserAgent() != null) {
			builder.userAgent(properties.getUserAgent());
		}
		// ordered streams put the highest precedence first; it must be installed last to run first
		List<ClientInterceptor> ordered = new ArrayList<>(this.interceptors.orderedStream().toList());
		Collections.reverse(ordered);
		builder.intercept(ordered);
		this.customizers.orderedStream().forEach((customizer) -> customizer.customize(channel.name(), builder));
		if (!channel.headers().isEmpty()) {
			builder.intercept(MetadataUtils.newAttachHeadersInterceptor(metadata(channel.headers())));
		}
		if (credentials != null) {
			builder.intercept(credentials.create().interceptor());
		}
		if (channel.tls()) {
			String bundle = channel.properties().getSsl().getBundle();
			builder.intercept(new TlsHandshakeFailureInterceptor(channel.name(),
					(bundle != null) ? "SSL bundle '" + bundle + "'" : "the JDK's default trust store"));
		}
		builder.intercept(
				this.clientStreams.interceptor(channel.name(), channel.target().text(), channel.streamSettings()));
		return builder.build();
	}

	@SuppressWarnings("deprecation") // nameResolverFactory is the public way to scope a resolver to one channel
	private NettyChannelBuilder network(ResolvedChannel channel) {
		ChannelProperties properties = channel.properties();
		RegistryNameResolvers registry = ResolvedChannel.registryOf(channel.target(), this.registries);
		RegistryNameResolvers.Resolution resolution = (registry != null) ? registry.forChannel(channel.name(),
				channel.target().text(), properties.getServiceGroup(), properties.getServiceVersion()) : null;
		NettyChannelBuilder builder = NettyChannelBuilder
			.forTarget((resolution != null) ? resolution.grpcTarget() : channel.target().grpcTarget());
		if (channel.target().kind() == ChannelTarget.Kind.STATIC) {
			// a registry of its own for this channel; grpc-java's global registry is left alone
			builder.nameResolverFactory(StaticNameResolverProvider.INSTANCE);
		}
		else if (resolution != null) {
			builder.nameResolverFactory(resolution.provider());
		}
		if (channel.tls()) {
			builder.sslContext(sslContext(channel));
		}
		else {
			builder.usePlaintext();
		}
		builder.defaultLoadBalancingPolicy(properties.getLoadBalancingPolicy());
		ChannelProperties.Keepalive keepalive = properties.getKeepalive();
		if (keepalive.isEnabled()) {
			// without pings, a call on a connection that died silently would wait for the OS to notice
			if (keepalive.getTime() != null) {
				builder.keepAliveTime(keepalive.getTime().toNanos(), TimeUnit.NANOSECONDS);
			}
			if (keepalive.getTimeout() != null) {
				builder.keepAliveTimeout(keepalive.getTimeout().toNanos(), TimeUnit.NANOSECONDS);
			}
			builder.keepAliveWithoutCalls(keepalive.isWithoutCalls());
		}
		return builder;
	}

	private io.grpc.netty.shaded.io.netty.handler.ssl.SslContext sslContext(ResolvedChannel channel) {
		SslContextBuilder ssl = GrpcSslContexts.forClient();
		SslBundle bundle = channel.sslBundle();
		BundleSslManagers managers = null;
		if (bundle != null) {
			// new connections of the channel follow the bundle's reloads; open ones keep their session
			managers = BundleSslManagers.of(channel.properties().getSsl().getBundle(),
					"channel '" + channel.name() + "'", bundle, this.sslBundles);
			if (managers.keyManager() != null) {
				ssl.keyManager(managers.keyManager());
			}
			ssl.trustManager(managers.trustManager());
			SslOptions options = bundle.getOptions();
			if (options.getCiphers() != null) {
				ssl.ciphers(List.of(options.getCiphers()));
			}
			if (options.getEnabledProtocols() != null) {
				ssl.protocols(options.getEnabledProtocols());
			}
		}
		try {
			io.grpc.netty.shaded.io.netty.handler.ssl.SslContext context = ssl.build();
			if (managers != null) {
				// a resumed session skips the certificates: without resumption every new connection
				// presents the bundle's current one (gRPC connections are long-lived; a full handshake
				// on reconnect costs little). Emptying the cache on reload alone races with a
				// handshake in flight, which caches its session after the reload.
				if (context.sessionContext() instanceof OpenSslSessionContext openSsl) {
					openSsl.setSessionCacheEnabled(false);
				}
				managers.invalidateOnReload(context.sessionContext());
			}
			return context;
		}
		catch (SSLException ex) {
			throw new IllegalStateException("Cannot set up TLS for channel '" + channel.name() + "'"
					+ ((bundle != null) ? " from SSL bundle '" + channel.properties().getSsl().getBundle() + "'" : "")
					+ ": " + ex.getMessage(), ex);
		}
	}

	private static Metadata metadata(Map<String, String> headers) {
		Metadata metadata = new Metadata();
		headers.forEach((name, value) -> metadata.put(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER), value));
		return metadata;
	}

}
