package dev.triplestream.interop;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.triplestream.client.BidiStream;
import dev.triplestream.client.EnableTripleClients;
import dev.triplestream.interop.DubboProviderClients.BlueGroup;
import dev.triplestream.interop.DubboProviderClients.DefaultExport;
import dev.triplestream.interop.DubboProviderClients.GreenGroup;
import dev.triplestream.interop.DubboProviderClients.IdleLimited;
import dev.triplestream.interop.DubboProviderClients.InteropStreams;
import dev.triplestream.interop.DubboProviderClients.TypoGroup;
import dev.triplestream.interop.DubboProviderClients.TypoVersion;
import dev.triplestream.interop.DubboProviderClients.Version1;
import dev.triplestream.interop.DubboProviderClients.Version2;
import dev.triplestream.interop.v1.Note;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The starter's {@code @TripleClient}s against an Apache Dubbo 3.3.6 Triple provider in a JVM of
 * its own (one provider for the class, five exports; see {@code DubboProvider}).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class StarterClientToDubboProviderTests {

	private static final Duration PATIENCE = DubboProcess.PATIENCE;

	private static DubboProcess provider;

	private static ConfigurableApplicationContext context;

	@BeforeAll
	static void startProviderAndClients() {
		provider = DubboProcess.provider();
		context = clientApplication(provider.port());
	}

	@AfterAll
	static void stop() throws InterruptedException {
		if (context != null) {
			context.close();
		}
		if (provider != null) {
			provider.close();
		}
	}

	@Test
	void streamsBothWaysAndHalfCloseLetsTheDubboHandlerFinish() {
		try (BidiStream<Note, Note> chat = context.getBean(DefaultExport.class).chat()) {
			chat.send(note(1, "both-ways"));
			assertThat(chat.receive().getText()).isEqualTo("default: both-ways");
			chat.send(note(2, "again"));
			assertThat(chat.receive().getText()).isEqualTo("default: again");
			chat.closeSend();
			Note bye = chat.receive();
			assertThat(bye.getText()).isEqualTo("bye");
			assertThat(bye.getSeq()).isEqualTo(2);
			assertThat(chat.receive()).as("end of stream").isNull();
			assertThat(chat.status().getCode()).isEqualTo(Status.Code.OK);
		}
		provider.awaitEvent("default Chat both-ways half-closed");
		provider.awaitEvent("default Chat both-ways completed");
		assertThat(provider.events()).noneMatch((event) -> event.startsWith("default Chat both-ways error"));
	}

	@Test
	void closeTimeoutCancelsADubboHandlerThatNeverFinishes() {
		BidiStream<Note, Note> hang = context.getBean(DefaultExport.class).hang();
		hang.send(note(1, "close-timeout"));
		assertThat(hang.receive().getText()).isEqualTo("default: close-timeout");
		hang.close();
		assertThat(hang.status().getCode()).isEqualTo(Status.Code.CANCELLED);
		provider.awaitEvent("default Hang close-timeout half-closed");
		String error = provider.awaitEvent((event) -> event.startsWith("default Hang close-timeout error"));
		assertDubboSawACancellation(error);
	}

	@Test
	void idleTimeoutCancelsADubboHandlerThatNeverFinishes() {
		try (BidiStream<Note, Note> hang = context.getBean(IdleLimited.class).hang()) {
			hang.send(note(1, "idle-timeout"));
			assertThat(hang.receive().getText()).isEqualTo("default: idle-timeout");
			assertThatExceptionOfType(StatusRuntimeException.class).isThrownBy(hang::receive)
				.satisfies((ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED))
				.withMessageContaining("triple.client.channels.dubbo-idle.idle-timeout");
		}
		String error = provider.awaitEvent((event) -> event.startsWith("default Hang idle-timeout error"));
		assertDubboSawACancellation(error);
		assertThat(provider.events()).doesNotContain("default Hang idle-timeout half-closed");
	}

	@Test
	void shutdownDrainHalfClosesThenCancelsADubboHandlerThatNeverFinishes() throws TimeoutException {
		ConfigurableApplicationContext closing = clientApplication(provider.port());
		BidiStream<Note, Note> hang = closing.getBean(DefaultExport.class).hang();
		hang.send(note(1, "shutdown-drain"));
		assertThat(hang.receive(PATIENCE).getText()).isEqualTo("default: shutdown-drain");
		closing.close();
		assertThat(hang.isDone()).isTrue();
		assertThatExceptionOfType(StatusRuntimeException.class).isThrownBy(hang::receive)
			.withMessageContaining("application context is shutting down");
		provider.awaitEvent("default Hang shutdown-drain half-closed");
		String error = provider.awaitEvent((event) -> event.startsWith("default Hang shutdown-drain error"));
		assertDubboSawACancellation(error);
	}

	@Test
	void serviceGroupAndServiceVersionSelectBetweenDubboExports() {
		assertThat(firstReply(context.getBean(DefaultExport.class), "select")).isEqualTo("default: select");
		assertThat(firstReply(context.getBean(BlueGroup.class), "select")).isEqualTo("group=blue: select");
		assertThat(firstReply(context.getBean(GreenGroup.class), "select")).isEqualTo("group=green: select");
		assertThat(firstReply(context.getBean(Version1.class), "select")).isEqualTo("version=1.0.0: select");
		assertThat(firstReply(context.getBean(Version2.class), "select")).isEqualTo("version=2.0.0: select");
	}

	/** Dubbo 3.3.6: a group no export has is served by the default export, not UNIMPLEMENTED. */
	@Test
	void mistypedGroupFallsBackToTheDefaultExport() {
		assertThat(firstReply(context.getBean(TypoGroup.class), "typo-group")).isEqualTo("default: typo-group");
	}

	/**
	 * Dubbo 3.3.6: a version no export has is served by the export of version 1.0.0 (Dubbo's default
	 * version), or the default export where there is none, not UNIMPLEMENTED.
	 */
	@Test
	void mistypedVersionFallsBackToVersionOneOfTheDefaultGroup() {
		assertThat(firstReply(context.getBean(TypoVersion.class), "typo-version")).isEqualTo("version=1.0.0: typo-version");
	}

	private static String firstReply(InteropStreams client, String text) {
		try (BidiStream<Note, Note> chat = client.chat()) {
			chat.send(note(1, text));
			chat.closeSend();
			String reply = chat.receive().getText();
			assertThat(chat.receive().getText()).isEqualTo("bye");
			assertThat(chat.receive()).isNull();
			return reply;
		}
	}

	/**
	 * What a Dubbo 3.3.6 handler sees when the client cancels (RST_STREAM CANCEL, HTTP/2 code 8):
	 * {@code onError} with an {@code HttpStatusException} whose "HTTP status" is that code, which Dubbo
	 * maps to UNKNOWN.
	 */
	private static void assertDubboSawACancellation(String error) {
		assertThat(error).contains("status=UNKNOWN", "type=HttpStatusException", "code=8");
	}

	static Note note(long seq, String text) {
		return Note.newBuilder().setSeq(seq).setText(text).build();
	}

	private static ConfigurableApplicationContext clientApplication(int providerPort) {
		String target = "127.0.0.1:" + providerPort;
		return new SpringApplicationBuilder(ClientApplication.class).web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off", "triple.server.enabled=false",
					"triple.client.shutdown.grace-period=1s",
					"triple.client.channels.dubbo.target=" + target,
					"triple.client.channels.dubbo.close-timeout=1s",
					"triple.client.channels.dubbo-idle.target=" + target,
					"triple.client.channels.dubbo-idle.idle-timeout=2s",
					"triple.client.channels.blue.target=" + target,
					"triple.client.channels.blue.service-group=blue",
					"triple.client.channels.green.target=" + target,
					"triple.client.channels.green.service-group=green",
					"triple.client.channels.v1.target=" + target,
					"triple.client.channels.v1.service-version=1.0.0",
					"triple.client.channels.v2.target=" + target,
					"triple.client.channels.v2.service-version=2.0.0",
					"triple.client.channels.typo-group.target=" + target,
					"triple.client.channels.typo-group.service-group=bleu",
					"triple.client.channels.typo-version.target=" + target,
					"triple.client.channels.typo-version.service-version=9.9.9")
			.run();
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@EnableTripleClients(clients = { DefaultExport.class, IdleLimited.class, BlueGroup.class, GreenGroup.class,
			Version1.class, Version2.class, TypoGroup.class, TypoVersion.class })
	static class ClientApplication {

	}

}
