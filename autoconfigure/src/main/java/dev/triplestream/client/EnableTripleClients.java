package dev.triplestream.client;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.context.annotation.Import;

/**
 * Registers beans for {@link TripleClient} interfaces outside the application's
 * auto-configuration packages (which are scanned without this annotation).
 * <p>
 * Each interface is checked when its bean is defined: an unsupported method shape or an unknown
 * channel fails start-up, lazy beans included.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Import(TripleClientsRegistrar.class)
public @interface EnableTripleClients {

	/** Packages to scan for {@link TripleClient} interfaces. */
	String[] basePackages() default {};

	/** Classes whose packages are scanned, a type-safe alternative to {@link #basePackages()}. */
	Class<?>[] basePackageClasses() default {};

	/** Client interfaces to register without scanning. */
	Class<?>[] clients() default {};

}
