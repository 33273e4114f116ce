package dev.triplestream.client;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import io.grpc.MethodDescriptor.MethodType;

/**
 * Optional details of one {@link TripleClient} method. Without it the RPC name is the Java method
 * name with its first letter upper-cased ({@code chat} calls {@code Chat}), and the call type
 * follows from the method's shape:
 * <table>
 * <caption>Supported shapes</caption>
 * <tr><th>shape</th><th>call type</th></tr>
 * <tr><td>{@code BidiStream<Req, Resp> m()}</td><td>bidi streaming, blocking handle</td></tr>
 * <tr><td>{@code StreamObserver<Req> m(StreamObserver<Resp>)}</td><td>bidi streaming (or client
 * streaming with {@code type = CLIENT_STREAMING}), async</td></tr>
 * <tr><td>{@code Resp m(Req)}</td><td>unary, blocking</td></tr>
 * <tr><td>{@code CompletableFuture<Resp> m(Req)}</td><td>unary, async</td></tr>
 * <tr><td>{@code ServerStream<Resp> m(Req)}</td><td>server streaming, blocking handle</td></tr>
 * <tr><td>{@code void m(Req, StreamObserver<Resp>)}</td><td>server streaming (or unary with
 * {@code type = UNARY}), async</td></tr>
 * </table>
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface TripleMethod {

	/** The RPC method name; empty for the Java method name with its first letter upper-cased. */
	String value() default "";

	/**
	 * The call type, where the shape allows two; {@code UNKNOWN} (the default) infers it from the
	 * shape.
	 */
	MethodType type() default MethodType.UNKNOWN;

	/**
	 * This method's deadline, overriding the channel's {@code deadline} (unary calls) or
	 * {@code stream-deadline} (streaming calls); a duration such as {@code "30s"}, empty to keep
	 * the channel's.
	 */
	String deadline() default "";

	/**
	 * This method's idle timeout, overriding the channel's {@code idle-timeout}; a duration such as
	 * {@code "10s"}, empty to keep the channel's.
	 */
	String idleTimeout() default "";

	/**
	 * What the shutdown drain does to this method's open bidi streams, overriding the channel's
	 * {@code drain-policy}; {@code INHERIT} (the default) keeps the channel's. Client-streaming calls
	 * are never half-closed by the drain, whatever this says.
	 */
	DrainPolicy drainPolicy() default DrainPolicy.INHERIT;

}
