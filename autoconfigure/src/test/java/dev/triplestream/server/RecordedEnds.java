package dev.triplestream.server;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.grpc.Status;

import dev.triplestream.stream.EndReason;
import dev.triplestream.stream.StreamRegistry;
import dev.triplestream.stream.TrackedStream;

import static org.awaitility.Awaitility.await;

/**
 * A registry listener that records every stream's end as the registry reports it: the reason and
 * status the stream has when it leaves the registry.
 */
final class RecordedEnds implements StreamRegistry.Listener {

	private final AtomicInteger opened = new AtomicInteger();

	private final List<End> ends = new CopyOnWriteArrayList<>();

	/** A listener of {@code registry}, from now on. */
	static RecordedEnds of(StreamRegistry registry) {
		RecordedEnds ends = new RecordedEnds();
		registry.addListener(ends);
		return ends;
	}

	@Override
	public void opened(TrackedStream stream) {
		this.opened.incrementAndGet();
	}

	@Override
	public void closed(TrackedStream stream) {
		this.ends.add(new End(stream, stream.endReason(), stream.status()));
	}

	int openedCount() {
		return this.opened.get();
	}

	/** The ends so far, in the order recorded. */
	List<End> ends() {
		return List.copyOf(this.ends);
	}

	/** The {@code count}th end (the first is 1), once recorded; fails after 10 seconds without. */
	End awaitEnd(int count) {
		await().atMost(Duration.ofSeconds(10)).until(() -> this.ends.size() >= count);
		return this.ends.get(count - 1);
	}

	/** One stream's end, as the registry reported it. */
	record End(TrackedStream stream, EndReason reason, Status status) {

	}

}
