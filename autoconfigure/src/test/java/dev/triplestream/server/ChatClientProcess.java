package dev.triplestream.server;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;

import dev.triplestream.test.v1.EchoRequest;
import dev.triplestream.test.v1.EchoResponse;
import dev.triplestream.test.v1.EchoServiceGrpc;

/**
 * A client in a process of its own, for tests that kill it: opens a {@code Chat} stream to the
 * loopback port given as argument, sends one message named by the second argument, prints
 * {@value #READY} once the echo is back, then waits forever with the stream open.
 */
public final class ChatClientProcess {

	static final String READY = "chat client ready";

	private ChatClientProcess() {
	}

	public static void main(String[] args) throws InterruptedException {
		int port = Integer.parseInt(args[0]);
		ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
		CountDownLatch echoed = new CountDownLatch(1);
		StreamObserver<EchoRequest> requests = EchoServiceGrpc.newStub(channel).chat(new StreamObserver<>() {

			@Override
			public void onNext(EchoResponse response) {
				echoed.countDown();
			}

			@Override
			public void onError(Throwable t) {
				System.out.println("chat client failed: " + t);
				System.exit(2);
			}

			@Override
			public void onCompleted() {
				System.out.println("chat client: the server completed the stream");
				System.exit(3);
			}

		});
		requests.onNext(EchoRequest.newBuilder().setSeq(1).setText(args[1]).build());
		if (!echoed.await(60, TimeUnit.SECONDS)) {
			System.out.println("chat client: no echo within 60s");
			System.exit(4);
		}
		System.out.println(READY);
		System.out.flush();
		new CountDownLatch(1).await();
	}

}
