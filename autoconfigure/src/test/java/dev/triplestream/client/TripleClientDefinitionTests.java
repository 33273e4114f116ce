package dev.triplestream.client;

import java.util.List;
import java.util.stream.Stream;

import io.grpc.MethodDescriptor.MethodType;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.triplestream.test.v1.EchoRequest;
import dev.triplestream.test.v1.EchoResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link TripleClientFactory#validate} and {@link TripleClientFactory#create} reject interfaces
 * they cannot implement, with a message that names the interface, the method and the supported
 * shapes. No channel is needed to tell.
 */
class TripleClientDefinitionTests {

	private final TripleClientFactory factory = new TripleClientFactory((name) -> {
		throw new AssertionError("no channel is looked up to define a client");
	}, null);

	@Test
	void aValidClientValidatesAndNamesItsChannel() {
		assertThat(TripleClientFactory.validate(ChatClient.class)).isEqualTo("chat");
		assertThat(this.factory.create(ChatClient.class)).isNotNull();
	}

	static Stream<Arguments> rejectedMethods() {
		return Stream.of(
				Arguments.of(StringTypes.class, "shout", "fit no supported shape"),
				Arguments.of(RawBidiStream.class, "chat", "concrete protobuf message classes"),
				Arguments.of(WildcardBidiStream.class, "chat", "concrete protobuf message classes"),
				Arguments.of(ThreeParameters.class, "repeat", "fit no supported shape"),
				Arguments.of(NoParameterUnary.class, "echo", "fit no supported shape"),
				Arguments.of(UnknownIdleTimeout.class, "chat",
						"@TripleMethod(idleTimeout) on UnknownIdleTimeout.chat = \"soon\" is not a duration"),
				Arguments.of(ZeroDeadline.class, "chat",
						"@TripleMethod(deadline) on ZeroDeadline.chat = \"0s\" must be positive"),
				Arguments.of(MismatchedType.class, "chat",
						"@TripleMethod(type = UNARY) does not fit its shape, which makes it BIDI_STREAMING"),
				Arguments.of(ServerStreamingObserverAsBidi.class, "repeat",
						"@TripleMethod(type = BIDI_STREAMING) does not fit its shape, which makes it SERVER_STREAMING"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("rejectedMethods")
	void anUnsupportedMethodIsRejectedWithTheInterfaceMethodAndSupportedShapes(Class<?> clientInterface, String method,
			String why) {
		for (Runnable definition : List.<Runnable>of(() -> TripleClientFactory.validate(clientInterface),
				() -> this.factory.create(clientInterface))) {
			assertThatThrownBy(definition::run).isInstanceOf(TripleClientDefinitionException.class)
				.hasMessageStartingWith(
						"Method " + method + " of @TripleClient interface " + clientInterface.getName() + " is not supported: ")
				.hasMessageContaining(why)
				.hasMessageEndingWith("Supported shapes: " + ClientMethod.SUPPORTED_SHAPES)
				.hasMessageContaining("BidiStream<Req, Resp> m()")
				.hasMessageContaining("void m(Req, StreamObserver<Resp>)");
		}
	}

	@Test
	void anInterfaceWithoutTheAnnotationIsRejected() {
		assertThatThrownBy(() -> TripleClientFactory.validate(NotAnnotated.class))
			.isInstanceOf(TripleClientDefinitionException.class)
			.hasMessage(NotAnnotated.class.getName() + " is not annotated with @TripleClient");
	}

	@Test
	void aClassIsRejected() {
		assertThatThrownBy(() -> TripleClientFactory.validate(String.class))
			.isInstanceOf(TripleClientDefinitionException.class)
			.hasMessageContaining("java.lang.String is not an interface");
	}

	@Test
	void aBlankServiceIsRejected() {
		assertThatThrownBy(() -> TripleClientFactory.validate(BlankService.class))
			.isInstanceOf(TripleClientDefinitionException.class)
			.hasMessageContaining(BlankService.class.getName())
			.hasMessageContaining("needs both a channel and a service name");
	}

	@Test
	void defaultMethodsAreNotCalls() {
		assertThat(TripleClientFactory.validate(WithDefaultMethod.class)).isEqualTo("chat");
	}

	@TripleClient(channel = "chat", service = "triplestream.test.v1.EchoService")
	interface StringTypes {

		String shout(String text);

	}

	@TripleClient(channel = "chat", service = "triplestream.test.v1.EchoService")
	interface RawBidiStream {

		@SuppressWarnings("rawtypes")
		BidiStream chat();

	}

	@TripleClient(channel = "chat", service = "triplestream.test.v1.EchoService")
	interface WildcardBidiStream {

		BidiStream<?, ?> chat();

	}

	@TripleClient(channel = "chat", service = "triplestream.test.v1.EchoService")
	interface ThreeParameters {

		void repeat(EchoRequest request, EchoRequest another, StreamObserver<EchoResponse> responses);

	}

	@TripleClient(channel = "chat", service = "triplestream.test.v1.EchoService")
	interface NoParameterUnary {

		EchoResponse echo();

	}

	@TripleClient(channel = "chat", service = "triplestream.test.v1.EchoService")
	interface UnknownIdleTimeout {

		@TripleMethod(idleTimeout = "soon")
		BidiStream<EchoRequest, EchoResponse> chat();

	}

	@TripleClient(channel = "chat", service = "triplestream.test.v1.EchoService")
	interface ZeroDeadline {

		@TripleMethod(deadline = "0s")
		BidiStream<EchoRequest, EchoResponse> chat();

	}

	@TripleClient(channel = "chat", service = "triplestream.test.v1.EchoService")
	interface MismatchedType {

		@TripleMethod(type = MethodType.UNARY)
		BidiStream<EchoRequest, EchoResponse> chat();

	}

	@TripleClient(channel = "chat", service = "triplestream.test.v1.EchoService")
	interface ServerStreamingObserverAsBidi {

		@TripleMethod(type = MethodType.BIDI_STREAMING)
		void repeat(EchoRequest request, StreamObserver<EchoResponse> responses);

	}

	interface NotAnnotated {

		EchoResponse echo(EchoRequest request);

	}

	@TripleClient(channel = "chat", service = " ")
	interface BlankService {

		EchoResponse echo(EchoRequest request);

	}

	@TripleClient(channel = "chat", service = "triplestream.test.v1.EchoService")
	interface WithDefaultMethod {

		EchoResponse echo(EchoRequest request);

		default String greeting() {
			return "hello";
		}

	}

}
