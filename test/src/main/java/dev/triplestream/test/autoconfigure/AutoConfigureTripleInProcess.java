package dev.triplestream.test.autoconfigure;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import dev.triplestream.client.LeakDetection;

/**
 * Runs a Spring test's Triple server and channels over grpc-java's in-process transport, and fails
 * each test method that leaves a stream open.
 * <p>
 * On a {@code @SpringBootTest} class (or an enclosing class of a {@code @Nested} one), every context
 * the test loads gets a unique in-process server name, and:
 * <ul>
 * <li>{@code triple.server.in-process-name} is set to that name, so the server's services are served
 * in-process only: its network listener is off ({@code triple.server.port=-1}), so that tests
 * never clash over a port and nothing outside the JVM can reach them;</li>
 * <li>the {@code target} of every channel under {@code triple.client.channels} is set to
 * {@code in-process:<name>}, whatever the application's configuration says, so that each
 * {@code @TripleClient} calls the test's own server: services the test needs and the application
 * does not serve are provided as {@code @TripleService} beans of the test's configuration;</li>
 * <li>{@code triple.client.leak-detection} is set to {@link #leakDetection()}.</li>
 * </ul>
 * These properties take precedence over the application's configuration and over the test's own
 * properties ({@code @SpringBootTest(properties = ...)}, {@code @TestPropertySource}). The name is
 * published as {@code triple.server.in-process-name}; inject it with
 * {@code @Value("${triple.server.in-process-name}")}. Contexts are cached and shared as usual: tests
 * of equal configuration share one context, hence one name.
 * <p>
 * After each test method (and its {@code @AfterEach} methods), every client or server stream the
 * test opened and did not end is reported: the test fails with an {@link AssertionError} listing
 * each stream's side, method, channel or service, peer and opening site, and the streams are
 * cancelled so that the next test sharing the cached context starts clean. Streams that were
 * already open when the test method started (opened by the application, or by an earlier test that
 * did not fail on leaks) are not the test's and are left alone. Streams that are ending when the
 * test returns get up to two seconds to finish before they count as leaked. The check tells the
 * test's streams from others by when they were opened: tests that share a context must not run
 * concurrently.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
public @interface AutoConfigureTripleInProcess {

	/**
	 * Whether a test method that leaves a stream open fails. When false, leaked streams are logged
	 * as a warning and left open; the application context drains them when it closes.
	 */
	boolean failOnLeakedStreams() default true;

	/**
	 * The leak detection of the test's clients ({@code triple.client.leak-detection}). Paranoid by
	 * default: each client stream records the stack that opened it, so that a leak report points at
	 * the test's line. Contexts with different values are not shared.
	 */
	LeakDetection leakDetection() default LeakDetection.PARANOID;

}
