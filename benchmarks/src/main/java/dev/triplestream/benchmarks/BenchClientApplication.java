package dev.triplestream.benchmarks;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

import dev.triplestream.client.EnableTripleClients;

/**
 * The application behind {@link SpringStarterClientSide}: nothing of its own but the auto-configuration
 * and the {@link BenchClient} interface. No component scan: the benchmark's other classes are not beans.
 * The client is named explicitly rather than found in the application's package, so that the context
 * holds exactly one client bean whatever else the package gains.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@EnableTripleClients(clients = BenchClient.class)
class BenchClientApplication {

}
