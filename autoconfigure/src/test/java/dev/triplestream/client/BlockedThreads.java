package dev.triplestream.client;

import java.time.Duration;
import java.util.Arrays;

import static org.awaitility.Awaitility.await;

/** Waits for a thread to be parked inside one of {@link BlockingCall}'s waits. */
final class BlockedThreads {

	private BlockedThreads() {
	}

	static void awaitBlockedIn(Thread thread, String blockingCallMethod) {
		await("thread " + thread.getName() + " blocked in BlockingCall." + blockingCallMethod)
			.atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(10))
			.until(() -> isBlockedIn(thread, blockingCallMethod));
	}

	static boolean isBlockedIn(Thread thread, String blockingCallMethod) {
		Thread.State state = thread.getState();
		if (state != Thread.State.WAITING && state != Thread.State.TIMED_WAITING) {
			return false;
		}
		return Arrays.stream(thread.getStackTrace())
			.anyMatch((frame) -> frame.getClassName().equals(BlockingCall.class.getName())
					&& frame.getMethodName().equals(blockingCallMethod));
	}

}
