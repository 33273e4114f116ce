package dev.triplestream.server;

import java.util.concurrent.TimeUnit;

import io.grpc.Deadline;
import io.grpc.Status;
import org.junit.jupiter.api.Test;

import dev.triplestream.stream.EndReason;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How a stream's end is read from the status the transport reported, with the statuses grpc-java's
 * transports report (the network tests drive them for real).
 */
class CallEndTracerTests {

	private static final Status CLIENT_RESET = Status.CANCELLED.withDescription("RST_STREAM received for code 8");

	@Test
	void okIsCompleted() {
		assertThat(CallEndTracer.reasonFor(Status.OK, null, 0)).isEqualTo(EndReason.COMPLETED);
	}

	@Test
	void clientCancelIsCancelledByTheApplication() {
		assertThat(CallEndTracer.reasonFor(CLIENT_RESET, null, 0)).isEqualTo(EndReason.CANCELLED_BY_APPLICATION);
		// In-process, the client's own status comes through.
		assertThat(CallEndTracer.reasonFor(Status.CANCELLED.withDescription("user gave up"), null, 0))
			.isEqualTo(EndReason.CANCELLED_BY_APPLICATION);
		assertThat(CallEndTracer.reasonFor(Status.CANCELLED, null, 0)).isEqualTo(EndReason.CANCELLED_BY_APPLICATION);
	}

	@Test
	void otherResetsAndLostConnectionsAreThePeerGone() {
		assertThat(CallEndTracer.reasonFor(Status.CANCELLED.withDescription("RST_STREAM received for code 2"), null, 0))
			.isEqualTo(EndReason.PEER_GONE);
		assertThat(CallEndTracer.reasonFor(
				Status.UNAVAILABLE.withDescription("connection terminated for unknown reason"), null, 0))
			.isEqualTo(EndReason.PEER_GONE);
		assertThat(CallEndTracer.reasonFor(Status.INTERNAL, null, 0)).isEqualTo(EndReason.PEER_GONE);
	}

	@Test
	void deadlineExceededOrAResetAtTheDeadlineIsTheDeadline() {
		assertThat(CallEndTracer.reasonFor(Status.DEADLINE_EXCEEDED, null, 0)).isEqualTo(EndReason.DEADLINE);
		Deadline passed = Deadline.after(-1, TimeUnit.SECONDS);
		assertThat(CallEndTracer.reasonFor(CLIENT_RESET, passed, 0)).isEqualTo(EndReason.DEADLINE);
		Deadline imminent = Deadline.after(100, TimeUnit.MILLISECONDS);
		assertThat(CallEndTracer.reasonFor(CLIENT_RESET, imminent, CallEndTracer.DEADLINE_SLACK_NANOS))
			.isEqualTo(EndReason.DEADLINE);
		Deadline far = Deadline.after(30, TimeUnit.SECONDS);
		assertThat(CallEndTracer.reasonFor(CLIENT_RESET, far, CallEndTracer.deadlineSlackNanos(far)))
			.isEqualTo(EndReason.CANCELLED_BY_APPLICATION);
	}

	@Test
	void slackIsAQuarterOfAShortDeadlineAtMost() {
		assertThat(CallEndTracer.deadlineSlackNanos(null)).isZero();
		assertThat(CallEndTracer.deadlineSlackNanos(Deadline.after(1, TimeUnit.HOURS)))
			.isEqualTo(CallEndTracer.DEADLINE_SLACK_NANOS);
		assertThat(CallEndTracer.deadlineSlackNanos(Deadline.after(400, TimeUnit.MILLISECONDS)))
			.isLessThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
	}

}
