package dev.triplestream.interop.client;

import java.io.IOException;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.triplestream.stream.StreamRegistry;
import dev.triplestream.stream.StreamSide;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of the starter's clients against grpc-java's interop {@code TestServiceServer}: one
 * application context (channels {@code interop} and {@code interop-metadata} to the peer) shared by
 * every subclass, and after each test the check that the starter forgot every call it made.
 */
@SpringBootTest(classes = InteropClientApplication.class, properties = "triple.server.enabled=false")
abstract class AbstractInteropServerTests {

	@Autowired
	StreamRegistry registry;

	@DynamicPropertySource
	static void interopServer(DynamicPropertyRegistry properties) {
		properties.add("triple.client.channels.interop.target", () -> "localhost:" + peerPort());
		properties.add("triple.client.channels.interop-metadata.target", () -> "localhost:" + peerPort());
		properties.add("triple.client.channels.interop-metadata.headers.x-grpc-test-echo-initial",
				() -> "test_initial_metadata_value");
	}

	private static int peerPort() {
		try {
			return InteropServerPeer.port();
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not start the interop server", ex);
		}
	}

	@AfterEach
	void everyClientStreamEnded() throws InterruptedException {
		assertThat(this.registry.awaitEmpty(StreamSide.CLIENT, Duration.ofSeconds(10)))
			.as("client streams left open: %s", this.registry.streams(StreamSide.CLIENT))
			.isTrue();
	}

}
