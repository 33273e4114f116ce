package dev.triplestream.interop.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestInstance.Lifecycle;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import dev.triplestream.interop.PeerJvm;
import dev.triplestream.server.LocalTripleServerPort;
import dev.triplestream.stream.StreamRegistry;
import dev.triplestream.stream.StreamSide;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * grpc-java's own interop client ({@code TestServiceClient} of grpc-interop-testing, unchanged, in
 * its own JVM on its own grpc-java) against a server of this starter that hosts the interop
 * {@code TestService} as a {@code @TripleService} bean, over plaintext HTTP/2 on loopback. The
 * client runs every case once (one JVM for all, see {@code src/test/peer/InteropCaseRunner.java});
 * each case passes only when every assertion the suite makes for it held.
 */
@SpringBootTest(classes = InteropServerApplication.class, properties = { "triple.server.port=0",
		"triple.server.shutdown.grace-period=2s" })
@TestInstance(Lifecycle.PER_CLASS)
class GrpcJavaClientAgainstStarterServerTests {

	static List<String> cases() {
		return List.of("empty_unary", "large_unary", "client_streaming", "server_streaming", "ping_pong",
				"empty_stream", "custom_metadata", "status_code_and_message", "special_status_message",
				"unimplemented_method", "unimplemented_service", "cancel_after_begin", "cancel_after_first_response",
				"timeout_on_sleeping_server");
	}

	@LocalTripleServerPort
	int port;

	@Autowired
	StreamRegistry registry;

	private String output;

	@BeforeAll
	void runInteropClient() throws Exception {
		List<String> args = new ArrayList<>(List.of("localhost", String.valueOf(this.port)));
		args.addAll(cases());
		try (PeerJvm client = PeerJvm.startSource("interop-client", "InteropCaseRunner.java",
				args.toArray(String[]::new))) {
			int exit = client.awaitExit(300);
			this.output = client.output();
			assertThat(exit).as("interop client exit code; its output:%n%s", this.output).isZero();
		}
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("cases")
	void interopCase(String testCase) {
		Matcher result = Pattern.compile("^CASE " + testCase + " (PASS|FAIL)$", Pattern.MULTILINE).matcher(this.output);
		assertThat(result.find()).as("no result for %s in the client's output:%n%s", testCase, this.output).isTrue();
		assertThat(result.group(1)).as("%s failed:%n%s", testCase, failure(testCase)).isEqualTo("PASS");
	}

	@Test
	void serverForgetsEveryCallWhateverItsEnd() throws InterruptedException {
		// Cancelled, timed out, failed and completed calls alike leave the server's registry.
		assertThat(this.registry.awaitEmpty(StreamSide.SERVER, Duration.ofSeconds(10)))
			.as("server streams left open: %s", this.registry.streams(StreamSide.SERVER))
			.isTrue();
	}

	private String failure(String testCase) {
		int start = this.output.indexOf("CASE " + testCase + " FAIL");
		int end = this.output.indexOf("CASE " + testCase + " END");
		return (start >= 0 && end > start) ? this.output.substring(start, end) : this.output;
	}

}
