package dev.triplestream.interop.node;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A grpc-js client ({@code src/test/node/sample-client.js}, versions pinned in its
 * {@code package.json}) against the sample application's jar running in its own process: chats
 * with half-close, cancelled and timed-out tick streams, 100 concurrent chats, and, last, SIGTERM
 * while a tick stream is open. Needs {@code node} on the PATH (the class is skipped without it) and
 * {@code npm install} run in {@code src/test/node} ({@code .ci/run} does it).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GrpcJsClientAgainstSampleAppTests {

	/** The sample's {@code triple.server.shutdown.grace-period}. */
	private static final Duration GRACE_PERIOD = Duration.ofSeconds(20);

	private static SampleAppProcess app;

	@BeforeAll
	static void startSampleApp() throws Exception {
		assumeTrue(NodeClient.nodeAvailable(), "node is not on the PATH: skipping the grpc-js interop tests");
		assertThat(NodeClient.modulesInstalled())
			.as("grpc-js is not installed: run 'npm install --no-package-lock' in %s (.ci/run does)",
					NodeClient.NODE_DIR.toAbsolutePath())
			.isTrue();
		app = SampleAppProcess.start();
	}

	@AfterAll
	static void stopSampleApp() throws InterruptedException {
		if (app != null) {
			app.kill();
		}
	}

	@Test
	@Order(1)
	void chatWithHalfCloseGetsEveryEchoThenByeWithTheCountThenOk() throws Exception {
		assertThat(run("chat")).isEqualTo("{\"replies\":6,\"code\":0}");
	}

	@Test
	@Order(2)
	void ticksCancelledAfterThreeTicksEndsCancelled() throws Exception {
		// That the server forgot the cancelled call is shown at shutdown: only the last test's stream is drained.
		assertThat(run("ticks-cancel")).matches("\\{\"ticks\":[3-9]\\d*,\"code\":1\\}");
	}

	@Test
	@Order(3)
	void ticksWithA500msDeadlineEndsDeadlineExceeded() throws Exception {
		assertThat(run("ticks-deadline")).contains("\"code\":4");
	}

	@Test
	@Order(4)
	void hundredConcurrentChatsAllEndOk() throws Exception {
		assertThat(run("chat-concurrent")).isEqualTo("{\"streams\":100,\"ok\":100}");
	}

	@Test
	@Order(5)
	void sigtermWhileTicksOpenEndsTheStreamOkThroughTheDrainNotice() throws Exception {
		NodeClient ticks = NodeClient.start("ticks-drain", app.port());
		Awaitility.await("a tick stream open")
			.atMost(Duration.ofSeconds(60))
			.until(() -> ticks.output().contains("TICKS_OPEN") || ticks.output().contains("FAILED"));
		long signalled = System.nanoTime();
		app.terminate();
		assertThat(app.awaitExit(GRACE_PERIOD.multipliedBy(2))).as("the sample exited; its log:%n%s", app.log())
			.isTrue();
		Duration took = Duration.ofNanos(System.nanoTime() - signalled);
		assertThat(ticks.awaitExit(60)).as("node output:%n%s", ticks.output()).isZero();
		assertThat(result(ticks.output())).matches("\\{\"ticks\":\\d+,\"code\":0,\"details\":\"\"\\}");
		// The server's own count: the tick stream was the only call left, every earlier one had ended.
		assertThat(app.log()).containsPattern("Triple server drain: 1 stream\\(s\\) in \\d+ ms \\(1 shutdown-drained\\)");
		// The drain notice ends the stream at once, so the process does not wait out its grace period.
		assertThat(took).as("SIGTERM to exit").isLessThan(GRACE_PERIOD.dividedBy(2));
	}

	private static String run(String testCase) throws Exception {
		assertThat(app.isAlive()).as("sample application running; its log:%n%s", app.log()).isTrue();
		NodeClient client = NodeClient.start(testCase, app.port());
		int exit = client.awaitExit(120);
		assertThat(exit).as("node %s failed:%n%s", testCase, client.output()).isZero();
		return result(client.output());
	}

	private static String result(String output) {
		Matcher result = Pattern.compile("^RESULT (.*)$", Pattern.MULTILINE).matcher(output);
		assertThat(result.find()).as("no RESULT line in:%n%s", output).isTrue();
		return result.group(1);
	}

}
