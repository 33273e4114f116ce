package dev.triplestream.server;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.grpc.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.triplestream.client.TimeoutSetting;
import dev.triplestream.stream.EndReason;
import dev.triplestream.stream.StreamLifecycle;
import dev.triplestream.stream.StreamRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * The rules of the drain actions a handler registers, on a context of its own (the network tests
 * cover how the server gives the notice).
 */
@ExtendWith(OutputCaptureExtension.class)
class ServerStreamContextTests {

	private final ExecutorService drainThread = Executors.newSingleThreadExecutor((task) -> new Thread(task, "drain"));

	private final StreamLifecycle lifecycle = new StreamLifecycle(new StreamRegistry(), null, null, this.drainThread);

	private final ServerStreamContext context = new ServerStreamContext("test.Service/Method", this.lifecycle,
			TimeoutSetting.none("idle"), TimeoutSetting.none("age"));

	private final List<String> ran = new CopyOnWriteArrayList<>();

	@AfterEach
	void stopDrainThread() throws InterruptedException {
		this.drainThread.shutdown();
		assertThat(this.drainThread.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void actionsRunOnceOnTheDrainThreadWhenTheNoticeIsGiven() {
		this.context.onDrain(() -> this.ran.add("first on " + Thread.currentThread().getName()));
		this.context.onDrain(() -> this.ran.add("second on " + Thread.currentThread().getName()));
		assertThat(this.context.isDraining()).isFalse();
		this.lifecycle.giveDrainNotice(true);
		this.lifecycle.giveDrainNotice(true);
		assertThat(this.context.isDraining()).isTrue();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.ran.size() == 2);
		assertThat(this.ran).containsExactly("first on drain", "second on drain");
	}

	@Test
	void actionRegisteredWhileDrainingRunsAtOnce() {
		this.lifecycle.giveDrainNotice(true);
		this.context.onDrain(() -> this.ran.add("late on " + Thread.currentThread().getName()));
		await().atMost(Duration.ofSeconds(10)).until(() -> this.ran.size() == 1);
		assertThat(this.ran).containsExactly("late on drain");
	}

	@Test
	void failingActionIsLoggedAndTheOthersRun(CapturedOutput output) {
		this.context.onDrain(() -> {
			throw new IllegalStateException("drain action bug on purpose");
		});
		this.context.onDrain(() -> this.ran.add("after the failure"));
		this.lifecycle.giveDrainNotice(true);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.ran.size() == 1);
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(output).contains("Drain action of a test.Service/Method call failed")
				.contains("drain action bug on purpose"));
	}

	@Test
	void actionsOfAnEndedCallNeverRun() throws InterruptedException {
		this.context.onDrain(() -> this.ran.add("registered before the end"));
		this.lifecycle.end(EndReason.COMPLETED, Status.OK);
		this.context.onDrain(() -> this.ran.add("registered after the end"));
		this.lifecycle.giveDrainNotice(true);
		this.drainThread.shutdown();
		assertThat(this.drainThread.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
		assertThat(this.ran).isEmpty();
		assertThat(this.context.isDraining()).isFalse();
	}

	@Test
	void nullActionIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.context.onDrain(null));
	}

}
