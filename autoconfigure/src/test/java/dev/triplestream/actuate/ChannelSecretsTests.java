package dev.triplestream.actuate;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;

import io.grpc.ManagedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import dev.triplestream.autoconfigure.TripleClientProperties;
import dev.triplestream.autoconfigure.clients.EchoClient;
import dev.triplestream.client.BidiStream;
import dev.triplestream.test.v1.EchoRequest;
import dev.triplestream.test.v1.EchoResponse;
import dev.triplestream.test.v1.EchoServiceGrpc;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A channel's token and password appear nowhere an operator looks: not in the logs (at trace
 * level), the {@code triplestreams} endpoint, the channels' health, Actuator's {@code configprops}
 * and {@code env} even with values shown, nor the properties' {@code toString()}.
 */
@ExtendWith(OutputCaptureExtension.class)
class ChannelSecretsTests {

	private static final String TOKEN = "tok-n3ver-shown-4821";

	private static final String PASSWORD = "pw-n3ver-shown-9376";

	private final HttpClient http = HttpClient.newHttpClient();

	private ConfigurableApplicationContext context;

	@AfterEach
	void close() {
		if (this.context != null) {
			this.context.close();
		}
	}

	@Test
	void secretsAppearNowhere(CapturedOutput output) throws Exception {
		String name = "secrets-" + UUID.randomUUID();
		this.context = new SpringApplicationBuilder(TripleActuatorHttpTests.App.class)
			.properties("server.port=0", "triple.server.port=-1", "triple.server.in-process-name=" + name,
					"triple.client.channels.echo.target=in-process:" + name,
					"triple.client.channels.echo.auth.bearer-token=" + TOKEN,
					"triple.client.channels.basic.target=in-process:" + name,
					"triple.client.channels.basic.auth.basic.username=alice",
					"triple.client.channels.basic.auth.basic.password=" + PASSWORD,
					"management.endpoints.web.exposure.include=health,triplestreams,configprops,env",
					"management.endpoint.health.show-details=always",
					"management.endpoint.configprops.show-values=always", "management.endpoint.env.show-values=always",
					"logging.level.dev.triplestream=trace", "spring.main.banner-mode=off")
			.run();
		BidiStream<EchoRequest, EchoResponse> chat = this.context.getBean(EchoClient.class).chat();
		chat.send(EchoRequest.newBuilder().setText("a").build());
		assertThat(chat.receive().getText()).isEqualTo("a");
		assertThat(EchoServiceGrpc.newBlockingStub(this.context.getBean("tripleChannel.basic", ManagedChannel.class))
			.echo(EchoRequest.newBuilder().setText("b").build())
			.getText()).isEqualTo("b");

		String streams = get("/actuator/triplestreams");
		assertThat(streams).contains("EchoService/Chat");
		String health = get("/actuator/health");
		assertThat(health).contains("in-process:" + name);
		String configprops = get("/actuator/configprops");
		assertThat(configprops).contains("triple.client").contains("alice");
		String env = get("/actuator/env");
		assertThat(env).contains("triple.client.channels.echo.auth.bearer-token");
		TripleClientProperties client = this.context.getBean(TripleClientProperties.class);
		String properties = client.getChannels().get("echo").getAuth() + " " + client.getChannels().get("basic").getAuth();
		assertThat(properties).contains("alice").contains("******");
		chat.close();

		for (String shown : new String[] { streams, health, configprops, env, properties, output.getAll() }) {
			assertThat(shown).doesNotContain(TOKEN).doesNotContain(PASSWORD);
		}
	}

	private String get(String path) throws Exception {
		URI uri = URI.create(
				"http://127.0.0.1:" + this.context.getEnvironment().getProperty("local.server.port") + path);
		HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(uri).GET().build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(path).isEqualTo(200);
		return response.body();
	}

}
