package dev.triplestream.benchmarks;

import io.grpc.stub.StreamObserver;

import dev.triplestream.benchmarks.v1.Ping;
import dev.triplestream.client.BidiStream;
import dev.triplestream.client.TripleClient;
import dev.triplestream.client.TripleMethod;

/**
 * The starter's client of {@code BenchService}, in both of its bidi styles: the blocking
 * {@link BidiStream} handle and the async {@link StreamObserver} pair.
 */
@TripleClient(channel = "bench", service = "triplestream.bench.v1.BenchService")
public interface BenchClient {

	BidiStream<Ping, Ping> echo();

	@TripleMethod("Echo")
	StreamObserver<Ping> echoAsync(StreamObserver<Ping> responses);

	BidiStream<Ping, Ping> hold();

	@TripleMethod("Hold")
	StreamObserver<Ping> holdAsync(StreamObserver<Ping> responses);

	BidiStream<Ping, Ping> download();

	@TripleMethod("Download")
	StreamObserver<Ping> downloadAsync(StreamObserver<Ping> responses);

	BidiStream<Ping, Ping> upload();

	@TripleMethod("Upload")
	StreamObserver<Ping> uploadAsync(StreamObserver<Ping> responses);

}
