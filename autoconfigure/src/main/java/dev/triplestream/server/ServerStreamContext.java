package dev.triplestream.server;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.UnaryOperator;

import io.grpc.Context;
import io.grpc.Status;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.triplestream.client.TimeoutSetting;
import dev.triplestream.stream.EndReason;
import dev.triplestream.stream.StreamLifecycle;

/**
 * What a handler can learn about the server call it serves, and how it hears that the call should
 * end: the <em>drain notice</em>.
 * <p>
 * The server gives a call its drain notice when the server begins its shutdown drain, and when the
 * stream reaches its {@code triple.server.streams.max-age}. A handler that ends its call on the
 * notice (a last message, then {@code onCompleted()}) lets the shutdown finish in about one round
 * trip; a handler that ignores it is ended with {@code UNAVAILABLE} once the grace period is over,
 * as if it had no notice at all.
 * <p>
 * Obtain the context with {@link #current()} in the handler method, on the thread gRPC calls it
 * on, and keep it for later: other threads do not see it. For example, a bidi handler that completes
 * on the notice:
 *
 * <pre>{@code
 * public StreamObserver<Request> chat(StreamObserver<Response> responses) {
 *     ServerStreamContext.current().onDrain(() -> {
 *         synchronized (responses) {
 *             responses.onNext(Response.newBuilder().setText("bye, server going away").build());
 *             responses.onCompleted();
 *         }
 *     });
 *     return new StreamObserver<>() {
 *         public void onNext(Request request) {
 *             synchronized (responses) {
 *                 responses.onNext(answer(request));
 *             }
 *         }
 *         // ...
 *     };
 * }
 * }</pre>
 *
 * The drain action runs on a thread of the server's own (never a transport thread), concurrently
 * with the handler's callbacks: as for any {@code StreamObserver} used from two threads, the
 * handler must not call {@code responses} from both at once (hence the {@code synchronized} above).
 * After the call has ended, the handler's further calls on {@code responses} are harmless.
 * <p>
 * Every call on a {@link TripleServer} has a context, unary ones included. Thread-safe.
 */
public final class ServerStreamContext {

	private static final Context.Key<ServerStreamContext> KEY = Context.key("triplestream.server-stream");

	private static final Log logger = LogFactory.getLog(ServerStreamContext.class);

	private final String fullMethodName;

	private final StreamLifecycle lifecycle;

	private final TimeoutSetting idleTimeout;

	private final TimeoutSetting maxAge;

	/** Wraps each drain action registered from now on; null for none. */
	private volatile UnaryOperator<Runnable> drainActionDecorator;

	/**
	 * The context of a call whose drain notice and end are those of {@code lifecycle}.
	 */
	ServerStreamContext(String fullMethodName, StreamLifecycle lifecycle, TimeoutSetting idleTimeout,
			TimeoutSetting maxAge) {
		this.fullMethodName = fullMethodName;
		this.lifecycle = lifecycle;
		this.idleTimeout = idleTimeout;
		this.maxAge = maxAge;
	}

	/**
	 * The context of the server call the current thread serves.
	 * @throws IllegalStateException when the current thread is not serving a call of a
	 * {@link TripleServer} (such as a thread of the handler's own, to which gRPC's context does not
	 * propagate)
	 */
	public static ServerStreamContext current() {
		ServerStreamContext context = KEY.get();
		if (context == null) {
			throw new IllegalStateException("No Triple server call on this thread: call ServerStreamContext.current() "
					+ "in the handler method (on the thread gRPC calls it on) and keep the result for other threads");
		}
		return context;
	}

	/** The gRPC context holding {@code this}, for the call's listener and handler to run in. */
	Context attachTo(Context context) {
		return context.withValue(KEY, this);
	}

	/** The full method name, {@code package.Service/Method}. */
	public String fullMethodName() {
		return this.fullMethodName;
	}

	/** When the server started the call. */
	public Instant startedAt() {
		return this.lifecycle.startedAt();
	}

	/**
	 * How long the call may go without a message in either direction before the server cancels it;
	 * empty when there is no such limit (always for unary calls). A handler that may stay quiet longer
	 * can send heartbeats more often than this.
	 */
	public Optional<Duration> idleTimeout() {
		return Optional.ofNullable(this.idleTimeout.value());
	}

	/**
	 * How long after its start the call is given the drain notice and then ended; empty when there
	 * is no such limit (always for unary calls).
	 */
	public Optional<Duration> maxAge() {
		return Optional.ofNullable(this.maxAge.value());
	}

	TimeoutSetting idleTimeoutSetting() {
		return this.idleTimeout;
	}

	TimeoutSetting maxAgeSetting() {
		return this.maxAge;
	}

	/** Whether the call has had its drain notice. Once true, stays true. */
	public boolean isDraining() {
		return this.lifecycle.isDrainNoticeGiven();
	}

	/**
	 * Registers {@code action} to run once when the call has its drain notice; at once (on a
	 * drain thread) when it already has. Actions run on one of the server's drain threads, never on
	 * the caller's thread nor a transport thread; each runs once, in no particular order relative to
	 * the others. An exception thrown by an action is logged and affects nothing else. Does nothing
	 * once the call has ended. Keep actions short: they share a few threads with every other call's.
	 */
	public void onDrain(Runnable action) {
		if (action == null) {
			throw new IllegalArgumentException("The drain action must not be null");
		}
		Runnable logged = () -> {
			try {
				action.run();
			}
			catch (RuntimeException | Error ex) {
				logger.warn("Drain action of a " + this.fullMethodName + " call failed", ex);
			}
		};
		UnaryOperator<Runnable> decorator = this.drainActionDecorator;
		this.lifecycle.onDrain((decorator != null) ? decorator.apply(logged) : logged);
	}

	/**
	 * Wraps every drain action registered from now on with {@code decorator}, so that it runs with
	 * the thread-bound state of the call (such as its security context) on the drain thread. Meant
	 * for server interceptors, which call it before the handler starts; decorators added later wrap
	 * those added before. Actions registered before this call are not wrapped.
	 */
	public synchronized void decorateDrainActions(UnaryOperator<Runnable> decorator) {
		if (decorator == null) {
			throw new IllegalArgumentException("The drain action decorator must not be null");
		}
		UnaryOperator<Runnable> previous = this.drainActionDecorator;
		this.drainActionDecorator = (previous != null) ? (action) -> decorator.apply(previous.apply(action))
				: decorator;
	}

	/**
	 * Ends the call now, as the server's own decision: the client receives {@code status}, the
	 * handler observes a cancellation, and its later operations on the call are dropped; the end is
	 * recorded with {@code reason}. Never blocks. Meant for server interceptors that bound a call's
	 * life (such as the expiry of its credentials).
	 * @return false when the call had already ended
	 */
	public boolean end(EndReason reason, Status status) {
		return this.lifecycle.terminate(reason, status);
	}

}
