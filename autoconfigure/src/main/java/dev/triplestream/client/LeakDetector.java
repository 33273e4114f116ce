package dev.triplestream.client;

import java.lang.ref.Cleaner;

import io.grpc.Status;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.triplestream.stream.EndReason;

/**
 * Cancels the streams of blocking handles that the application dropped without ending them, and
 * reports each once, like Netty's leak detector. Costs one phantom reference per handle; the
 * opening stack is captured only with {@link LeakDetection#PARANOID}.
 */
final class LeakDetector {

	private static final Log logger = LogFactory.getLog(LeakDetector.class);

	private static final Cleaner cleaner = Cleaner.create((task) -> {
		Thread thread = new Thread(task, "triplestream-leak-detector");
		thread.setDaemon(true);
		return thread;
	});

	private LeakDetector() {
	}

	/**
	 * Watches {@code handle}; when it becomes unreachable while {@code call} is open, the call is
	 * cancelled and reported. The returned cleanable must be cleaned when the handle is closed.
	 */
	static Cleaner.Cleanable watch(Object handle, BlockingCall<?, ?> call, TrackedClientCall<?, ?> tracked,
			LeakDetection detection) {
		if (detection == LeakDetection.DISABLED) {
			return () -> {
			};
		}
		return cleaner.register(handle, new LeakCheck(call, tracked, detection));
	}

	/** Must not refer to the handle, or the handle would never become unreachable. */
	private record LeakCheck(BlockingCall<?, ?> call, TrackedClientCall<?, ?> tracked,
			LeakDetection detection) implements Runnable {

		@Override
		public void run() {
			if (this.call.isClosed() || this.call.isDone()) {
				return;
			}
			String hint = (this.detection == LeakDetection.PARANOID) ? ""
					: " (set triple.client.leak-detection=paranoid to see the opening stack)";
			logger.warn("LEAK: " + this.tracked + " was garbage-collected without being closed or ended; cancelling it."
					+ " Opened by " + this.tracked.openedAt() + hint);
			this.tracked.end(EndReason.ABANDONED, Status.CANCELLED
				.withDescription("the stream's handle was garbage-collected without close() (leak)"));
		}

	}

}
