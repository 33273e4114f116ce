package dev.triplestream.client;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an interface as the client of one gRPC/Triple service. The starter registers a bean that
 * implements it: each method opens a call on the named channel, its call type inferred from its
 * shape (see {@link TripleMethod}). No generated stub is needed; request and response types are
 * protobuf message classes taken from the method signatures.
 * <p>
 * Interfaces in the application's auto-configuration packages (those of the
 * {@code @SpringBootApplication} class) are found automatically; {@link EnableTripleClients} adds
 * others.
 *
 * <pre class="code">
 * &#64;TripleClient(channel = "chat", service = "triplestream.sample.chat.v1.ChatService")
 * public interface ChatClient {
 *     BidiStream&lt;ChatMessage, ChatMessage&gt; chat();
 * }
 * </pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface TripleClient {

	/** The channel's name under {@code triple.client.channels}. */
	String channel();

	/** The full gRPC service name, such as {@code triplestream.sample.chat.v1.ChatService}. */
	String service();

}
