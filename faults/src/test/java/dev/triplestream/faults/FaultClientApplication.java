package dev.triplestream.faults;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.triplestream.client.EnableTripleClients;
import dev.triplestream.sample.ChatClient;

/**
 * A client application of the starter with the sample's {@link ChatClient} (channel {@code chat})
 * and no server. It reads none of the sample's configuration: each test names its channel settings.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
@EnableTripleClients(clients = ChatClient.class)
class FaultClientApplication {

	/**
	 * Starts a client context.
	 * @param properties such as {@code triple.client.channels.chat.target=127.0.0.1:1234}
	 */
	static ConfigurableApplicationContext start(String... properties) {
		return new SpringApplicationBuilder(FaultClientApplication.class).web(WebApplicationType.NONE)
			.registerShutdownHook(false)
			.properties("spring.config.name=faults-client", "spring.main.banner-mode=off",
					"triple.server.enabled=false")
			.properties(properties)
			.run();
	}

}
