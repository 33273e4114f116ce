package dev.triplestream.test.autoconfigure;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.test.context.TestContextManager;
import org.springframework.test.context.TestPropertySource;

import dev.triplestream.client.BidiStream;
import dev.triplestream.client.TripleChannels;
import dev.triplestream.server.TripleServer;
import dev.triplestream.slicetest.v1.EchoRequest;
import dev.triplestream.slicetest.v1.EchoResponse;
import dev.triplestream.slicetest.v1.EchoServiceGrpc;
import dev.triplestream.stream.StreamRegistry;
import dev.triplestream.stream.StreamSide;
import dev.triplestream.stream.TrackedStream;
import dev.triplestream.test.autoconfigure.app.EchoClient;
import dev.triplestream.test.autoconfigure.app.SliceTestApplication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * {@link AutoConfigureTripleInProcess} switches the server and every channel of a real Spring Boot
 * test context to an in-process name of the context's own, though the application's channels point
 * at hosts no test can reach.
 */
@SpringBootTest(classes = SliceTestApplication.class)
@AutoConfigureTripleInProcess
class AutoConfigureTripleInProcessTests {

	private static final Logger logger = LoggerFactory.getLogger(AutoConfigureTripleInProcessTests.class);

	@Value("${triple.server.in-process-name}")
	String inProcessName;

	@Autowired
	TripleServer server;

	@Autowired
	TripleChannels channels;

	@Autowired
	EchoClient client;

	@Autowired
	StreamRegistry registry;

	@Autowired
	Environment environment;

	@Test
	void serverIsServedInProcessOnlyUnderTheContextsOwnName() throws Exception {
		logger.info("In-process name {}", this.inProcessName);
		assertThat(this.inProcessName).startsWith(TripleInProcessContextCustomizer.NAME_PREFIX);
		assertThat(this.server.getInProcessName()).isEqualTo(this.inProcessName);
		assertThat(this.server.isRunning()).isTrue();
		assertThat(this.server.getPort()).isEqualTo(-1);
		assertThat(this.environment.containsProperty(TripleServer.LOCAL_PORT_PROPERTY)).isFalse();
		ManagedChannel channel = InProcessChannelBuilder.forName(this.inProcessName).build();
		try {
			EchoResponse response = EchoServiceGrpc.newBlockingStub(channel)
				.echo(EchoRequest.newBuilder().setText("raw").build());
			assertThat(response.getText()).isEqualTo("raw");
		}
		finally {
			channel.shutdownNow();
			channel.awaitTermination(5, TimeUnit.SECONDS);
		}
	}

	@Test
	void everyConfiguredChannelTargetsTheInProcessServer() {
		assertThat(this.channels.names()).containsExactlyInAnyOrder("echo", "Other-Backend_2");
		for (String name : this.channels.names()) {
			assertThat(this.channels.target(name)).as(name).isEqualTo("in-process:" + this.inProcessName);
		}
	}

	@Test
	void clientReachesTheApplicationsServiceThroughTheSwitchedChannel() {
		assertThat(this.client.echo(EchoRequest.newBuilder().setText("hello").build()).getText()).isEqualTo("hello");
		try (BidiStream<EchoRequest, EchoResponse> chat = this.client.chat()) {
			chat.send(EchoRequest.newBuilder().setText("one").build());
			assertThat(chat.receive().getText()).isEqualTo("echo: one");
			// both ends are this context's: the client stream and the server stream it opened
			List<TrackedStream> open = this.registry.streams();
			assertThat(open).extracting(TrackedStream::side, TrackedStream::fullMethodName)
				.contains(tuple(StreamSide.CLIENT, "triplestream.slicetest.v1.EchoService/Chat"),
						tuple(StreamSide.SERVER, "triplestream.slicetest.v1.EchoService/Chat"));
			assertThat(open).filteredOn((stream) -> stream.side() == StreamSide.CLIENT)
				.extracting(TrackedStream::peer)
				.containsOnly("in-process:" + this.inProcessName);
			chat.closeSend();
			assertThat(chat.receive()).isNull();
			assertThat(chat.status().isOk()).isTrue();
		}
	}

	@Test
	void testsOfEqualConfigurationShareAContextAndItsNameAndOthersGetAnotherName() {
		String shared = inProcessName(context(AutoConfigureTripleInProcessTests.class));
		String other = inProcessName(context(OtherConfiguration.class));
		logger.info("This context's name {}, the other configuration's {}", shared, other);
		assertThat(shared).isEqualTo(this.inProcessName);
		assertThat(other).startsWith(TripleInProcessContextCustomizer.NAME_PREFIX).isNotEqualTo(this.inProcessName);
	}

	@Test
	void theSwitchWinsOverTheTestsOwnProperties() {
		ApplicationContext other = context(OtherConfiguration.class);
		String name = inProcessName(other);
		assertThat(other.getBean(TripleServer.class).getInProcessName()).isEqualTo(name);
		assertThat(other.getBean(TripleChannels.class).target("echo")).isEqualTo("in-process:" + name);
		assertThat(other.getEnvironment().getProperty("triple.server.port")).isEqualTo("-1");
	}

	/** The context the test framework loads (or finds cached) for {@code testClass}. */
	private static ApplicationContext context(Class<?> testClass) {
		return new TestContextManager(testClass).getTestContext().getApplicationContext();
	}

	private static String inProcessName(ApplicationContext context) {
		return context.getEnvironment().getProperty(TripleInProcessContextCustomizer.IN_PROCESS_NAME_PROPERTY);
	}

	/** A test configuration of its own, which sets the properties the switch sets. */
	@SpringBootTest(classes = SliceTestApplication.class,
			properties = { "triple.server.in-process-name=mine", "triple.server.port=9191",
					"triple.client.channels.echo.target=localhost:9191" })
	@AutoConfigureTripleInProcess
	static class OtherConfiguration {

	}

	/**
	 * A nested test inherits the switch; with a property of its own it gets a context of its own,
	 * hence a name of its own.
	 */
	@Nested
	@TestPropertySource(properties = "slice.context=nested")
	class InANestedTestWithItsOwnContext {

		@Value("${triple.server.in-process-name}")
		String nestedName;

		@Autowired
		EchoClient nestedClient;

		@Autowired
		TripleChannels nestedChannels;

		@Test
		void theServerAndChannelsGetAnotherName() {
			String enclosing = inProcessName(context(AutoConfigureTripleInProcessTests.class));
			logger.info("Enclosing test's name {}, nested test's {}", enclosing, this.nestedName);
			assertThat(this.nestedName).startsWith(TripleInProcessContextCustomizer.NAME_PREFIX)
				.isNotEqualTo(enclosing);
			assertThat(this.nestedChannels.target("echo")).isEqualTo("in-process:" + this.nestedName);
			assertThat(this.nestedClient.echo(EchoRequest.newBuilder().setText("nested").build()).getText())
				.isEqualTo("nested");
		}

	}

}
