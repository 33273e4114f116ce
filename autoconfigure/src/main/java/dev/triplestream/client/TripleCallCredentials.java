package dev.triplestream.client;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

import io.grpc.Metadata;
import io.grpc.MethodDescriptor;

/**
 * The credentials a channel sends with each of its calls, as headers: asked for before every call,
 * so that a token can be renewed between calls. The Spring-free counterpart of grpc-java's
 * {@link io.grpc.CallCredentials}, which the starter adapts it to; like those, the headers are sent
 * only over a connection with privacy and integrity (TLS, or in-process) unless the channel allows
 * otherwise.
 * <p>
 * In a Spring application, a bean of this type applies to the channel whose name qualifies it:
 * {@code @Bean @Qualifier("chat") TripleCallCredentials chatCredentials()} (or a bean named
 * {@code chat}) is asked for the headers of every call of channel {@code chat}. A bean that no
 * channel's name qualifies is used by no channel, so that a token never reaches a server it was not
 * meant for.
 * <p>
 * Implementations must be thread-safe: calls of a channel start on many threads at once.
 */
@FunctionalInterface
public interface TripleCallCredentials {

	/**
	 * The headers to add to one call. Called on a grpc-java thread before the call's headers are
	 * sent; must not block: work that does I/O (such as fetching a token) runs on
	 * {@link CallDetails#executor()} and completes the returned stage from there. A stage that
	 * completes exceptionally fails the call with {@code UNAUTHENTICATED} (or with the status of a
	 * {@link io.grpc.StatusException}), the call's message naming the channel.
	 * @param call the call about to start
	 * @return the headers, possibly completed later; never {@code null}
	 */
	CompletionStage<Metadata> headers(CallDetails call);

	/**
	 * Static {@code authorization: Bearer <token>} credentials. {@code toString()} hides the token.
	 * @param token the token, printable ASCII
	 */
	static TripleCallCredentials bearer(String token) {
		Objects.requireNonNull(token, "token");
		return new StaticHeader("Bearer", "Bearer " + token);
	}

	/**
	 * Static {@code authorization: Basic <base64(username:password)>} credentials, UTF-8 encoded.
	 * {@code toString()} hides the password.
	 */
	static TripleCallCredentials basic(String username, String password) {
		Objects.requireNonNull(username, "username");
		Objects.requireNonNull(password, "password");
		String encoded = Base64.getEncoder()
			.encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
		return new StaticHeader("Basic(" + username + ")", "Basic " + encoded);
	}

	/**
	 * What a call asking for credentials is.
	 * @param channel the name of the channel
	 * @param method the method called
	 * @param authority the authority the call goes to (the server's host and port)
	 * @param executor where blocking work may run (the channel's executor); never the calling thread
	 */
	record CallDetails(String channel, MethodDescriptor<?, ?> method, String authority, Executor executor) {
	}

	/** Credentials that send the same {@code authorization} header with every call. */
	final class StaticHeader implements TripleCallCredentials {

		static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization",
				Metadata.ASCII_STRING_MARSHALLER);

		private final String description;

		private final String value;

		StaticHeader(String description, String value) {
			this.description = description;
			this.value = value;
		}

		@Override
		public CompletionStage<Metadata> headers(CallDetails call) {
			Metadata headers = new Metadata();
			headers.put(AUTHORIZATION, this.value);
			return CompletableFuture.completedFuture(headers);
		}

		@Override
		public String toString() {
			return this.description + " ******";
		}

	}

}
