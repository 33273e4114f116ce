package dev.triplestream.registry;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

import dev.triplestream.registry.dubbo.MetadataInfoV2;
import dev.triplestream.registry.dubbo.MetadataRequest;
import dev.triplestream.registry.dubbo.MetadataServiceV2Grpc;
import dev.triplestream.test.v1.EchoRequest;
import dev.triplestream.test.v1.EchoResponse;
import dev.triplestream.test.v1.EchoServiceGrpc;

/**
 * A provider on loopback, port 0, that stands for a Dubbo Triple provider: the test echo service
 * (answers {@code id:text}; {@code Chat} answers every message and stays open) and, when given
 * metadata, a fake of Dubbo's {@code MetadataServiceV2} (grpc-java, same wire contract) that
 * counts its calls.
 */
final class FakeDubboProvider implements AutoCloseable {

	final String id;

	final AtomicInteger calls = new AtomicInteger();

	final AtomicInteger metadataFetches = new AtomicInteger();

	final List<ServerCallStreamObserver<EchoResponse>> chats = new CopyOnWriteArrayList<>();

	volatile MetadataInfoV2 metadata;

	private final Server server;

	FakeDubboProvider(String id) throws IOException {
		this.id = id;
		this.server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
			.addService(new Echo())
			.addService(new Metadata())
			.build()
			.start();
	}

	int port() {
		return this.server.getPort();
	}

	@Override
	public void close() throws InterruptedException {
		this.server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
	}

	private final class Echo extends EchoServiceGrpc.EchoServiceImplBase {

		@Override
		public void echo(EchoRequest request, StreamObserver<EchoResponse> responses) {
			FakeDubboProvider.this.calls.incrementAndGet();
			responses.onNext(EchoResponse.newBuilder().setText(FakeDubboProvider.this.id + ":" + request.getText()).build());
			responses.onCompleted();
		}

		@Override
		public StreamObserver<EchoRequest> chat(StreamObserver<EchoResponse> responseObserver) {
			FakeDubboProvider.this.calls.incrementAndGet();
			ServerCallStreamObserver<EchoResponse> responses = (ServerCallStreamObserver<EchoResponse>) responseObserver;
			FakeDubboProvider.this.chats.add(responses);
			return new StreamObserver<>() {

				@Override
				public void onNext(EchoRequest request) {
					responses.onNext(
							EchoResponse.newBuilder().setText(FakeDubboProvider.this.id + ":" + request.getText()).build());
				}

				@Override
				public void onError(Throwable error) {
				}

				@Override
				public void onCompleted() {
					responses.onCompleted();
				}

			};
		}

	}

	private final class Metadata extends MetadataServiceV2Grpc.MetadataServiceV2ImplBase {

		@Override
		public void getMetadataInfo(MetadataRequest request, StreamObserver<MetadataInfoV2> responses) {
			FakeDubboProvider.this.metadataFetches.incrementAndGet();
			MetadataInfoV2 info = FakeDubboProvider.this.metadata;
			if (info == null) {
				responses.onError(io.grpc.Status.UNIMPLEMENTED.asRuntimeException());
				return;
			}
			responses.onNext(info);
			responses.onCompleted();
		}

	}

}
