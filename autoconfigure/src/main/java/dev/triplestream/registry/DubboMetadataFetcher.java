package dev.triplestream.registry;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;

import dev.triplestream.registry.dubbo.MetadataInfoV2;
import dev.triplestream.registry.dubbo.MetadataRequest;
import dev.triplestream.registry.dubbo.MetadataServiceV2Grpc;

/**
 * Fetches the metadata of Dubbo providers registered at application level: which services (and
 * groups, versions, protocols, ports) an application's revision serves. Dubbo 3.3 keeps none of
 * this in ZooKeeper; each provider serves it through {@code org.apache.dubbo.metadata.MetadataServiceV2}
 * over Triple, in the service group named after its application and version {@code 2.0.0}. A
 * revision's metadata never changes, so it is fetched once per application and revision and kept;
 * a failed fetch is forgotten, so the next caller tries again. Thread-safe.
 */
public final class DubboMetadataFetcher implements AutoCloseable {

	static final String METADATA_SERVICE_VERSION = "2.0.0";

	private static final Metadata.Key<String> GROUP = Metadata.Key.of("tri-service-group",
			Metadata.ASCII_STRING_MARSHALLER);

	private static final Metadata.Key<String> VERSION = Metadata.Key.of("tri-service-version",
			Metadata.ASCII_STRING_MARSHALLER);

	private final Map<String, CompletableFuture<MetadataInfoV2>> revisions = new ConcurrentHashMap<>();

	private final long timeoutMillis;

	/** @param timeoutMillis deadline of one fetch */
	public DubboMetadataFetcher(long timeoutMillis) {
		this.timeoutMillis = timeoutMillis;
	}

	/**
	 * The metadata of an application's revision, fetched from the given provider unless already
	 * known (or being fetched).
	 */
	CompletableFuture<MetadataInfoV2> fetch(String application, String revision, String host, int port) {
		String key = application + '\n' + revision;
		CompletableFuture<MetadataInfoV2> known = this.revisions.get(key);
		if (known != null) {
			return known;
		}
		CompletableFuture<MetadataInfoV2> created = new CompletableFuture<>();
		known = this.revisions.putIfAbsent(key, created);
		if (known != null) {
			return known;
		}
		ManagedChannel channel = NettyChannelBuilder.forAddress(host, port).usePlaintext().build();
		Metadata headers = new Metadata();
		headers.put(GROUP, application);
		headers.put(VERSION, METADATA_SERVICE_VERSION);
		StreamObserver<MetadataInfoV2> observer = new StreamObserver<>() {

			@Override
			public void onNext(MetadataInfoV2 value) {
				created.complete(value);
			}

			@Override
			public void onError(Throwable error) {
				revisions.remove(key, created);
				channel.shutdown();
				created.completeExceptionally(error);
			}

			@Override
			public void onCompleted() {
				channel.shutdown();
			}

		};
		ClientCalls.asyncUnaryCall(
				io.grpc.ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers))
					.newCall(MetadataServiceV2Grpc.getGetMetadataInfoMethod(),
							CallOptions.DEFAULT.withDeadlineAfter(this.timeoutMillis, TimeUnit.MILLISECONDS)),
				MetadataRequest.newBuilder().setRevision(revision).build(), observer);
		return created;
	}

	/** Forgets every fetched revision. */
	@Override
	public void close() {
		this.revisions.clear();
	}

}
