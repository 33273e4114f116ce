package dev.triplestream.client;

/**
 * The lifecycle limits of calls opened on one channel (or one client method, which may override
 * its channel's).
 *
 * @param deadline the deadline of unary calls; never applied to streaming calls
 * @param streamDeadline the longest a streaming call may live, sent to the server as
 * {@code grpc-timeout}
 * @param idleTimeout how long a stream may go without a message either way before it is cancelled;
 * streaming calls only (a unary call is bounded by {@code deadline}), counted from when the call's
 * stream exists on a transport
 * @param closeTimeout how long {@code close()} waits for the server to end a half-closed stream
 * before cancelling it
 * @param drainPolicy what the shutdown drain does to an open bidi stream; never {@code INHERIT}
 */
public record StreamSettings(TimeoutSetting deadline, TimeoutSetting streamDeadline, TimeoutSetting idleTimeout,
		TimeoutSetting closeTimeout, DrainPolicy drainPolicy) {

	/** Settings with the {@link DrainPolicy#HALF_CLOSE} policy. */
	public StreamSettings(TimeoutSetting deadline, TimeoutSetting streamDeadline, TimeoutSetting idleTimeout,
			TimeoutSetting closeTimeout) {
		this(deadline, streamDeadline, idleTimeout, closeTimeout, DrainPolicy.HALF_CLOSE);
	}

	public StreamSettings {
		if (drainPolicy == null || drainPolicy == DrainPolicy.INHERIT) {
			drainPolicy = DrainPolicy.HALF_CLOSE;
		}
	}

	/** Returns these settings with the idle timeout replaced. */
	public StreamSettings withIdleTimeout(TimeoutSetting idleTimeout) {
		return new StreamSettings(this.deadline, this.streamDeadline, idleTimeout, this.closeTimeout,
				this.drainPolicy);
	}

	/** Returns these settings with the drain policy replaced, unless {@code policy} is {@code INHERIT}. */
	public StreamSettings withDrainPolicy(DrainPolicy policy) {
		return (policy == DrainPolicy.INHERIT || policy == this.drainPolicy) ? this
				: new StreamSettings(this.deadline, this.streamDeadline, this.idleTimeout, this.closeTimeout, policy);
	}

	/** Returns these settings with the deadline of the call's type (unary or streaming) replaced. */
	public StreamSettings withDeadline(TimeoutSetting deadline, boolean streaming) {
		return streaming
				? new StreamSettings(this.deadline, deadline, this.idleTimeout, this.closeTimeout, this.drainPolicy)
				: new StreamSettings(deadline, this.streamDeadline, this.idleTimeout, this.closeTimeout,
						this.drainPolicy);
	}

}
