package dev.triplestream.test.autoconfigure;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.grpc.Status;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.ApplicationContext;
import org.springframework.core.Conventions;
import org.springframework.test.context.TestContext;
import org.springframework.test.context.TestContextAnnotationUtils;
import org.springframework.test.context.support.AbstractTestExecutionListener;
import org.springframework.test.context.support.DirtiesContextTestExecutionListener;
import org.springframework.util.ClassUtils;

import dev.triplestream.stream.EndReason;
import dev.triplestream.stream.StreamRegistry;
import dev.triplestream.stream.StreamSide;
import dev.triplestream.stream.TrackedStream;

/**
 * Fails a test method of an {@link AutoConfigureTripleInProcess} test that leaves a client or server
 * stream open, listing each such stream, then cancels them.
 * <p>
 * The check runs after the test method and its {@code @AfterEach} methods, and before
 * {@code @DirtiesContext} may close the context: once the context closes, the starter's drain ends
 * every stream, and a leak could no longer be told from a stream that ended. Only the streams the
 * test opened count: those open when the test method started are left alone.
 */
class LeakedStreamsTestExecutionListener extends AbstractTestExecutionListener {

	/**
	 * After-test callbacks run from the highest order down: this one runs before the
	 * {@link DirtiesContextTestExecutionListener} (3000) may close the context.
	 */
	static final int ORDER = 3500;

	/** How long streams that are ending when the test returns get to finish. */
	static final Duration SETTLE_TIME = Duration.ofSeconds(2);

	private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

	private static final String OPEN_BEFORE = Conventions
		.getQualifiedAttributeName(LeakedStreamsTestExecutionListener.class, "openBefore");

	/** Stack frames of the client runtime and its proxies, above the caller's in an opening stack. */
	private static final List<String> RUNTIME_FRAMES = List.of("dev.triplestream.client.", "jdk.proxy", "$Proxy",
			"java.lang.reflect.", "jdk.internal.reflect.");

	private static final int MAX_FRAMES = 12;

	private static final Log logger = LogFactory.getLog(LeakedStreamsTestExecutionListener.class);

	@Override
	public int getOrder() {
		return ORDER;
	}

	@Override
	public void beforeTestMethod(TestContext testContext) {
		if (annotation(testContext) == null) {
			return;
		}
		StreamRegistry registry = registry(testContext.getApplicationContext());
		if (registry != null) {
			Set<TrackedStream> open = Collections.newSetFromMap(new IdentityHashMap<>());
			open.addAll(registry.streams());
			testContext.setAttribute(OPEN_BEFORE, open);
		}
	}

	@Override
	public void afterTestMethod(TestContext testContext) {
		@SuppressWarnings("unchecked")
		Set<TrackedStream> openBefore = (Set<TrackedStream>) testContext.removeAttribute(OPEN_BEFORE);
		if (openBefore == null || !testContext.hasApplicationContext()) {
			return;
		}
		StreamRegistry registry = registry(testContext.getApplicationContext());
		if (registry == null) {
			return;
		}
		long started = System.nanoTime();
		List<TrackedStream> leaked = awaitEnded(registry, openBefore, SETTLE_TIME);
		if (leaked.isEmpty()) {
			return;
		}
		String test = describe(testContext);
		AutoConfigureTripleInProcess annotation = annotation(testContext);
		if (annotation != null && !annotation.failOnLeakedStreams()) {
			logger.warn(report(test, leaked, testContext.getTestClass(), "They are left open."));
			return;
		}
		String report = report(test, leaked, testContext.getTestClass(),
				"They have been cancelled, so that the next test starts without them.");
		Status status = Status.CANCELLED
			.withDescription("left open by test " + test + ", cancelled by @AutoConfigureTripleInProcess");
		for (TrackedStream stream : leaked) {
			// The test support ends them as an operator would: they are not the application's doing.
			stream.end(EndReason.CANCELLED_BY_OPERATOR, status);
		}
		List<TrackedStream> stillOpen = awaitEnded(registry, openBefore, SETTLE_TIME);
		if (logger.isDebugEnabled()) {
			logger.debug("Leak check of " + test + " took "
					+ TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms; " + stillOpen.size()
					+ " stream(s) still open after cancelling");
		}
		throw new AssertionError(report);
	}

	private static AutoConfigureTripleInProcess annotation(TestContext testContext) {
		return TestContextAnnotationUtils.findMergedAnnotation(testContext.getTestClass(),
				AutoConfigureTripleInProcess.class);
	}

	private static StreamRegistry registry(ApplicationContext context) {
		return context.getBeanProvider(StreamRegistry.class).getIfAvailable();
	}

	/**
	 * Waits up to {@code timeout} for every stream not in {@code openBefore} to end.
	 * @return the streams still open, oldest first
	 */
	private static List<TrackedStream> awaitEnded(StreamRegistry registry, Set<TrackedStream> openBefore,
			Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		List<TrackedStream> open = openedSince(registry, openBefore);
		while (!open.isEmpty() && deadline - System.nanoTime() > 0) {
			try {
				TimeUnit.NANOSECONDS.sleep(Math.min(POLL_NANOS, deadline - System.nanoTime()));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
			open = openedSince(registry, openBefore);
		}
		return open;
	}

	private static List<TrackedStream> openedSince(StreamRegistry registry, Set<TrackedStream> openBefore) {
		List<TrackedStream> opened = new ArrayList<>();
		for (TrackedStream stream : registry.streams()) {
			if (!openBefore.contains(stream)) {
				opened.add(stream);
			}
		}
		return opened;
	}

	private static String describe(TestContext testContext) {
		return ClassUtils.getShortName(testContext.getTestClass()) + "." + testContext.getTestMethod().getName() + "()";
	}

	static String report(String test, List<TrackedStream> leaked, Class<?> testClass, String outcome) {
		StringBuilder report = new StringBuilder();
		report.append("Test ")
			.append(test)
			.append(" left ")
			.append(leaked.size())
			.append(" Triple stream(s) open. ")
			.append(outcome)
			.append(" End every stream a test opens: close client streams (try-with-resources on BidiStream "
					+ "and ServerStream) and let the server's handlers complete theirs.");
		Instant now = Instant.now();
		for (TrackedStream stream : leaked) {
			report.append("\n  - ").append(describe(stream, now));
			report.append("\n      opened ").append(openingSite(stream, testClass).replace("\n", "\n        "));
		}
		return report.toString();
	}

	private static String describe(TrackedStream stream, Instant now) {
		boolean client = stream.side() == StreamSide.CLIENT;
		StringBuilder line = new StringBuilder();
		line.append(client ? "client" : "server")
			.append(" stream #")
			.append(stream.id())
			.append(' ')
			.append(stream.fullMethodName())
			.append(" (")
			.append(stream.type())
			.append(')')
			.append(client ? " on channel '" : " of service '")
			.append(stream.origin())
			.append('\'');
		if (stream.peer() != null) {
			line.append(client ? " to " : " from ").append(stream.peer());
		}
		if (stream.startedAt() != null) {
			line.append(", open for ").append(Duration.between(stream.startedAt(), now).toMillis()).append(" ms");
		}
		line.append(", ")
			.append(stream.messagesSent())
			.append(" message(s) sent, ")
			.append(stream.messagesReceived())
			.append(" received");
		if (stream.isHalfClosed()) {
			line.append(client ? ", half-closed by the client" : ", half-closed by the peer");
		}
		return line.toString();
	}

	/**
	 * Where the stream was opened: the client method and, when the stack was recorded, the frames of
	 * the test's classes that led to it (down to the test's own frame), or else the first frames below
	 * the client runtime.
	 */
	static String openingSite(TrackedStream stream, Class<?> testClass) {
		String openedAt = stream.openedAt();
		if (openedAt == null) {
			return (stream.side() == StreamSide.SERVER) ? "by a client of this server" : "at an unrecorded site";
		}
		String[] lines = openedAt.split("\r?\n");
		List<String> frames = new ArrayList<>();
		for (String line : lines) {
			String frame = line.strip();
			if (frame.startsWith("at ")) {
				frames.add(frame.substring(3));
			}
		}
		String method = lines[0];
		if (frames.isEmpty()) {
			return "by " + method + " (set @AutoConfigureTripleInProcess(leakDetection = PARANOID) to see the "
					+ "opening stack)";
		}
		// The frames of the test's classes (its helpers included), down to the test's own frame
		String family = outermost(testClass).getName();
		StringBuilder inTest = new StringBuilder();
		for (String frame : frames) {
			boolean ofFamily = frame.startsWith(family + ".") || frame.startsWith(family + "$");
			if (ofFamily) {
				inTest.append(inTest.isEmpty() ? "by " + method + " called at " : "\n  at ").append(frame);
				if (frame.startsWith(testClass.getName() + ".")) {
					break;
				}
			}
			else if (!inTest.isEmpty()) {
				break;
			}
		}
		if (!inTest.isEmpty()) {
			return inTest.toString();
		}
		StringBuilder site = new StringBuilder("by " + method + " called at:");
		int shown = 0;
		boolean inRuntime = true;
		for (String frame : frames) {
			inRuntime = inRuntime && RUNTIME_FRAMES.stream().anyMatch(frame::contains);
			if (!inRuntime && shown < MAX_FRAMES) {
				site.append("\n  at ").append(frame);
				shown++;
			}
		}
		return site.toString();
	}

	private static Class<?> outermost(Class<?> type) {
		Class<?> outer = type;
		while (outer.getEnclosingClass() != null) {
			outer = outer.getEnclosingClass();
		}
		return outer;
	}

}
