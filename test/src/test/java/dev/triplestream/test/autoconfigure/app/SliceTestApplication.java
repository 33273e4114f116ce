package dev.triplestream.test.autoconfigure.app;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The application the test-support tests load: an echo service and a client of it, whose channels
 * point at hosts no test can reach (see application.yml).
 */
@SpringBootApplication
public class SliceTestApplication {

}
