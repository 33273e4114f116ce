package dev.triplestream.client;

import io.grpc.stub.ClientCallStreamObserver;

/**
 * The request side of an asynchronous streaming call of a {@link TripleClient}: grpc's
 * {@link ClientCallStreamObserver} plus the client side's drain notice. The {@code StreamObserver}
 * that a method such as {@code StreamObserver<Req> upload(StreamObserver<Resp>)} returns is one of
 * these; declare the method as {@code RequestObserver<Req> upload(StreamObserver<Resp>)} to use it
 * without a cast.
 * <p>
 * Thread-safety is grpc's: {@code onNext}, {@code onError} and {@code onCompleted} must not be
 * called by several threads at once; {@link #onDrain} and {@code cancel} may be called from any
 * thread.
 *
 * @param <Req> the request message type
 */
public abstract class RequestObserver<Req> extends ClientCallStreamObserver<Req> {

	/**
	 * Registers {@code action} to run once when the application context begins its shutdown drain;
	 * at once when it has begun. It runs on a thread of triplestream's. Use it to finish the unit of
	 * work in progress and complete the stream ({@code onCompleted()}) at a boundary the application
	 * chooses, or to give up on it ({@code onError} / {@code cancel}). A bidi stream whose
	 * application registered an action is not half-closed by the drain; a client-streaming call
	 * never is. Either is cancelled if still open at the end of the grace period. Does nothing once
	 * the stream has ended.
	 */
	public abstract void onDrain(Runnable action);

}
