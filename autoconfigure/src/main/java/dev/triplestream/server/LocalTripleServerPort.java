package dev.triplestream.server;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.beans.factory.annotation.Value;

/**
 * Injects the port the {@link TripleServer} listens on, typically in a test that starts the
 * application with {@code triple.server.port=0}. Resolvable once the server has started, so use it
 * on fields and parameters injected after the context is refreshed (test instances, beans obtained
 * later), as with Boot's {@code @LocalServerPort}.
 */
@Target({ ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Value("${" + TripleServer.LOCAL_PORT_PROPERTY + "}")
public @interface LocalTripleServerPort {

}
