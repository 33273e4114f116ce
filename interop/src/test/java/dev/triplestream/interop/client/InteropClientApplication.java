package dev.triplestream.interop.client;

import java.util.concurrent.atomic.AtomicReference;

import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

import dev.triplestream.autoconfigure.TripleChannelBuilderCustomizer;

/**
 * An application of the starter with the interop {@code TestService}'s clients (found in this
 * package) and no service of its own: channel {@code interop} plain, channel
 * {@code interop-metadata} sending the metadata {@code custom_metadata} checks.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
class InteropClientApplication {

	/** The binary key the interop server echoes into its trailers, and the value the suite sends. */
	static final Metadata.Key<byte[]> ECHO_TRAILING = Metadata.Key.of("x-grpc-test-echo-trailing-bin",
			Metadata.BINARY_BYTE_MARSHALLER);

	static final byte[] TRAILING_VALUE = { (byte) 0xab, (byte) 0xab, (byte) 0xab };

	@Bean
	CapturedMetadata capturedMetadata() {
		return new CapturedMetadata(new AtomicReference<>(), new AtomicReference<>());
	}

	@Bean
	TripleChannelBuilderCustomizer interopMetadataChannel(CapturedMetadata captured) {
		return (channel, builder) -> {
			if (channel.equals("interop-metadata")) {
				Metadata trailing = new Metadata();
				trailing.put(ECHO_TRAILING, TRAILING_VALUE);
				builder.intercept(MetadataUtils.newCaptureMetadataInterceptor(captured.headers(), captured.trailers()),
						MetadataUtils.newAttachHeadersInterceptor(trailing));
			}
		};
	}

	/** The headers and trailers of the last call on channel {@code interop-metadata}. */
	record CapturedMetadata(AtomicReference<Metadata> headers, AtomicReference<Metadata> trailers) {
	}

}
