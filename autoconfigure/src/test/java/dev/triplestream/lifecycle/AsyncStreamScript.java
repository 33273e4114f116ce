package dev.triplestream.lifecycle;

import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

import dev.triplestream.client.RequestObserver;
import dev.triplestream.test.v1.EchoRequest;
import dev.triplestream.test.v1.EchoResponse;

/**
 * The asynchronous shapes (a bidi or client-streaming {@link RequestObserver}, a server stream
 * into an observer) and the unary ones (blocking, and a future): the opening thread sends or waits,
 * a controlling thread cancels or interrupts.
 */
final class AsyncStreamScript extends StreamScript {

	private final SendGate gate = new SendGate();

	AsyncStreamScript(StreamPlan plan, ClientStreamRecord record, LifecycleClient client, Workers workers) {
		super(plan, record, client, workers);
	}

	@Override
	public void run() {
		switch (this.plan.shape()) {
			case BIDI_ASYNC, CLIENT_STREAMING -> streamRequests();
			case SERVER_STREAMING_ASYNC -> {
				ResponseRecorder responses = new ResponseRecorder(this.record);
				open(() -> {
					this.client.repeatAsync(request(0), responses);
					return null;
				});
				control(() -> cancelIfPlanned(responses));
			}
			case UNARY_BLOCKING -> unaryBlocking();
			case UNARY_FUTURE -> unaryFuture();
			default -> throw new IllegalStateException(this.plan.shape().name());
		}
	}

	private void streamRequests() {
		ResponseRecorder responses = new ResponseRecorder(this.record);
		boolean bidi = this.plan.shape() == StreamPlan.Shape.BIDI_ASYNC;
		RequestObserver<EchoRequest> requests = open(
				() -> bidi ? this.client.chatAsync(responses) : this.client.collect(responses));
		if (this.plan.drainAction()) {
			requests.onDrain(() -> {
				if (this.gate.requestDrain()) {
					requests.onCompleted();
				}
			});
		}
		Thread sender = Thread.currentThread();
		control(() -> {
			if (this.plan.action() == StreamPlan.Action.INTERRUPT_SENDER) {
				interrupt(sender);
			}
			else {
				cancelIfPlanned(responses);
			}
		});
		SplittableRandom random = this.random.split();
		try {
			for (int i = 0; i < this.plan.sends() && !this.gate.drainRequested(); i++) {
				pause(random);
				requests.onNext(request(i));
			}
		}
		catch (StatusRuntimeException ex) {
			// The stream has ended, or the drain half-closed it.
		}
		catch (IllegalStateException ex) {
			this.record.sendsRefused.incrementAndGet();
		}
		boolean abort = !this.plan.closeSend() && random.nextInt(4) == 0;
		if (this.gate.finish(this.plan.closeSend() || abort)) {
			if (abort && !this.gate.drainRequested()) {
				requests.onError(new IllegalStateException("the application gives up on the stream"));
			}
			else {
				requests.onCompleted();
			}
		}
	}

	private void cancelIfPlanned(ResponseRecorder responses) {
		if (this.plan.action() == StreamPlan.Action.CANCEL || this.plan.action() == StreamPlan.Action.CLOSE) {
			responses.cancel("planned cancel");
		}
	}

	private void unaryBlocking() {
		Thread caller = Thread.currentThread();
		control(() -> {
			if (this.plan.action() == StreamPlan.Action.INTERRUPT_READER) {
				interrupt(caller);
			}
		});
		try {
			EchoResponse response = open(() -> this.client.echo(request(7)));
			this.record.received(response.getSeq());
			this.record.ended(Status.OK);
		}
		catch (StatusRuntimeException ex) {
			this.record.ended(ex.getStatus());
		}
	}

	private void unaryFuture() {
		CompletableFuture<EchoResponse> future;
		try {
			future = open(() -> this.client.echoAsync(request(7)));
		}
		catch (StatusRuntimeException ex) {
			this.record.ended(ex.getStatus());
			return;
		}
		this.record.expectsCallbacks();
		future.whenComplete((response, failure) -> {
			if (failure == null) {
				this.record.received(response.getSeq());
				this.record.terminal(Status.OK);
			}
			else {
				Throwable cause = (failure instanceof CompletionException) ? failure.getCause() : failure;
				if (cause instanceof CancellationException) {
					// The application cancelled its future: it was told of no status (the call may have
					// completed first, and its end reason then says so).
					this.record.terminals.incrementAndGet();
				}
				else {
					this.record.terminal(Status.fromThrowable(cause));
				}
			}
		});
		Thread waiter = Thread.currentThread();
		control(() -> {
			switch (this.plan.action()) {
				case CANCEL, CLOSE -> future.cancel(true);
				case INTERRUPT_READER -> interrupt(waiter);
				default -> {
				}
			}
		});
		if (this.random.nextBoolean()) {
			try {
				future.get();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			catch (ExecutionException | CancellationException ex) {
				// Recorded by the callback.
			}
		}
	}

}
