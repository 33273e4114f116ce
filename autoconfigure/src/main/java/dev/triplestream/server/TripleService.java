package dev.triplestream.server;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import io.grpc.BindableService;
import io.grpc.ServerInterceptor;

import org.springframework.core.annotation.AliasFor;
import org.springframework.stereotype.Component;

/**
 * Marks a bean the Triple server serves. The class must be an {@link BindableService}, typically
 * by extending a generated {@code *ImplBase}. As a {@link Component}, the class is picked up by
 * component scanning.
 * <p>
 * With {@code triple.server.register-all-bindable-services=true} (the default) every
 * {@code BindableService} bean is served, annotated or not; the annotation is then needed only for
 * scanning, per-service {@link #interceptors()} and stream limits.
 * <p>
 * {@link #idleTimeout()} and {@link #maxAge()} set the limits of this service's streaming calls
 * over the server-wide {@code triple.server.streams.*} ones; the properties
 * {@code triple.server.streams.services[package.Service]} and
 * {@code triple.server.streams.services[package.Service/Method]} override them in turn.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Component
public @interface TripleService {

	/** The bean name; by default derived from the class name, as for any component. */
	@AliasFor(annotation = Component.class)
	String value() default "";

	/**
	 * Interceptors applied to this service only, inside the server-wide ones; the first listed sees
	 * a call first. Each is the bean of that type when the context has one (a bean named here is not
	 * also applied server-wide), otherwise an instance made with its no-argument constructor.
	 */
	Class<? extends ServerInterceptor>[] interceptors() default {};

	/**
	 * How long a streaming call of this service may go without a message in either direction
	 * before the server cancels it: a duration such as {@code "30s"}, {@code "0"} for no limit, or
	 * empty (the default) for the server's {@code triple.server.streams.idle-timeout}.
	 */
	String idleTimeout() default "";

	/**
	 * How long after its start a streaming call of this service gets the drain notice and is then
	 * ended with {@code UNAVAILABLE}: a duration such as {@code "10m"}, {@code "0"} for no limit,
	 * or empty (the default) for the server's {@code triple.server.streams.max-age}.
	 */
	String maxAge() default "";

}
