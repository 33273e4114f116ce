package dev.triplestream.interop;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Dubbo 3.3.6 rewrites a loopback host ({@code 127.*}, {@code localhost}, {@code 0.0.0.0}) of the
 * URL a consumer is given into "the local host", the machine's first usable non-loopback address,
 * before it dials ({@code NetUtils.filterLocalHost} in {@code AbstractClient.getConnectAddress}). A
 * server bound to 127.0.0.1 only, such as the starter's with {@code triple.server.address=127.0.0.1},
 * is then out of its reach.
 * <p>
 * Shown without sending anything off loopback: the consumer runs in a network namespace of its own
 * ({@code unshare -n}, needs root) whose only other interface is a veth pair with the
 * documentation address {@value #NAMESPACE_ADDRESS}; it is told {@code tri://127.0.0.1:PORT} and
 * reports that it failed to connect to {@value #NAMESPACE_ADDRESS}. Skipped where network
 * namespaces cannot be made.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DubboLoopbackDialTests {

	private static final String NAMESPACE_ADDRESS = "192.0.2.77";

	private static final String NAMESPACE = "ip link set lo up"
			+ " && ip link add tsdubbo0 type veth peer name tsdubbo1"
			+ " && ip addr add " + NAMESPACE_ADDRESS + "/24 dev tsdubbo0"
			+ " && ip link set tsdubbo0 up && ip link set tsdubbo1 up"
			+ " && exec \"$@\"";

	@Test
	void dubboConsumerGivenLoopbackDialsTheFirstNonLoopbackAddress() throws Exception {
		assumeTrue(namespacesWork(), "network namespaces (unshare -n, ip) are not available here");
		int port = 50051;
		try (DubboProcess consumer = DubboProcess.start("dubbo-consumer-in-namespace",
				List.of("unshare", "-n", "--", "sh", "-c", NAMESPACE, "sh"), List.of(),
				"dev.triplestream.interop.dubbo.DubboConsumer", List.of("tri://127.0.0.1:" + port, "-", "-"))) {
			String failure = consumer.awaitEvent((event) -> event.startsWith("refer-failed"));
			assertThat(failure).contains("url: tri://127.0.0.1:" + port)
				.contains("failed to connect to server /" + NAMESPACE_ADDRESS + ":" + port)
				.doesNotContain("failed to connect to server /127.0.0.1");
		}
	}

	private static boolean namespacesWork() {
		try {
			Process probe = new ProcessBuilder("unshare", "-n", "--", "sh", "-c",
					"ip link add tsprobe0 type veth peer name tsprobe1")
				.redirectErrorStream(true)
				.start();
			probe.getInputStream().readAllBytes();
			return probe.waitFor(30, TimeUnit.SECONDS) && probe.exitValue() == 0;
		}
		catch (IOException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

}
