package dev.triplestream.lifecycle;

/**
 * Lets a stream's drain action and its sending thread agree on who half-closes: the application
 * may not send from two threads at once, so the action only asks the sender to stop, and
 * half-closes itself only once the sender has finished without half-closing.
 */
final class SendGate {

	private boolean drainRequested;

	private boolean senderDone;

	private boolean senderClosed;

	/** Whether the sender should stop sending. */
	synchronized boolean drainRequested() {
		return this.drainRequested;
	}

	/**
	 * The sender has finished.
	 * @param planned whether the sender planned to half-close
	 * @return whether the sender half-closes now
	 */
	synchronized boolean finish(boolean planned) {
		this.senderDone = true;
		this.senderClosed = planned || this.drainRequested;
		return this.senderClosed;
	}

	/**
	 * The drain action runs.
	 * @return whether the action must half-close (the sender finished without doing so)
	 */
	synchronized boolean requestDrain() {
		this.drainRequested = true;
		return this.senderDone && !this.senderClosed;
	}

}
