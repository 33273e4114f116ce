package dev.triplestream.autoconfigure;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;

import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.stub.StreamObserver;

import dev.triplestream.test.v1.EchoRequest;
import dev.triplestream.test.v1.EchoResponse;
import dev.triplestream.test.v1.EchoServiceGrpc;

/**
 * A real grpc-java server for channel tests: {@code Echo} answers {@code "<id>:<text>"}, or, for a
 * request text {@code size:N}, N characters; {@code Chat} never answers nor ends; every call's
 * headers are recorded.
 */
public final class RecordingEchoServer implements AutoCloseable {

	private final String id;

	private final Server server;

	private final List<Metadata> headers = new CopyOnWriteArrayList<>();

	private RecordingEchoServer(String id, io.grpc.ServerBuilder<?> builder) throws IOException {
		this.id = id;
		this.server = builder.addService(ServerInterceptors.intercept(new Echo(), new HeaderRecorder())).build().start();
	}

	/** A plaintext server on 127.0.0.1 and a free port. */
	public static RecordingEchoServer loopback(String id) throws IOException {
		return new RecordingEchoServer(id,
				NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
	}

	/** A TLS server on 127.0.0.1 and a free port, presenting the key of {@code keyManagers}. */
	public static RecordingEchoServer loopbackTls(String id, KeyManagerFactory keyManagers) throws IOException {
		SslContextBuilder ssl = GrpcSslContexts.configure(SslContextBuilder.forServer(keyManagers));
		return new RecordingEchoServer(id,
				NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
					.sslContext(ssl.build()));
	}

	/** An in-process server of the given name. */
	public static RecordingEchoServer inProcess(String id, String name) throws IOException {
		return new RecordingEchoServer(id, InProcessServerBuilder.forName(name));
	}

	public int port() {
		return this.server.getPort();
	}

	public String id() {
		return this.id;
	}

	/** The headers of every call received so far, oldest first. */
	public List<Metadata> headers() {
		return this.headers;
	}

	@Override
	public void close() throws InterruptedException {
		this.server.shutdownNow();
		this.server.awaitTermination(5, TimeUnit.SECONDS);
	}

	private final class Echo extends EchoServiceGrpc.EchoServiceImplBase {

		@Override
		public void echo(EchoRequest request, StreamObserver<EchoResponse> responseObserver) {
			String text = request.getText();
			String reply = text.startsWith("size:") ? "x".repeat(Integer.parseInt(text.substring(5)))
					: RecordingEchoServer.this.id + ":" + text;
			responseObserver.onNext(EchoResponse.newBuilder().setText(reply).setSeq(request.getSeq()).build());
			responseObserver.onCompleted();
		}

		/** Never answers nor ends: the call stays open until the client or a shutdown ends it. */
		@Override
		public StreamObserver<EchoRequest> chat(StreamObserver<EchoResponse> responseObserver) {
			return new StreamObserver<>() {
				@Override
				public void onNext(EchoRequest value) {
				}

				@Override
				public void onError(Throwable t) {
				}

				@Override
				public void onCompleted() {
				}
			};
		}

	}

	private final class HeaderRecorder implements ServerInterceptor {

		@Override
		public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata metadata,
				ServerCallHandler<Q, R> next) {
			RecordingEchoServer.this.headers.add(metadata);
			return next.startCall(call, metadata);
		}

	}

}
