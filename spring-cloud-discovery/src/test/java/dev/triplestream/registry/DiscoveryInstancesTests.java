package dev.triplestream.registry;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Which address a {@code discovery:///} channel takes from each instance, and which targets it
 * accepts.
 */
class DiscoveryInstancesTests {

	@Test
	void theTriplePortComesFirstThenGrpcPortThenTheInstancePort() {
		List<String> problems = new ArrayList<>();
		List<InetSocketAddress> addresses = DiscoveryInstances.addresses(List.of(
				instance("a", 8080, Map.of("triple.port", "9001", "gRPC_port", "9002")),
				instance("b", 8080, Map.of("gRPC_port", "9003")), instance("c", 9004, Map.of())), problems);
		assertThat(addresses).extracting(InetSocketAddress::getPort).containsExactly(9001, 9003, 9004);
		assertThat(problems).isEmpty();
	}

	@Test
	void instancesOutOfServiceAndMalformedPortsAreLeftOut() {
		List<String> problems = new ArrayList<>();
		List<InetSocketAddress> addresses = DiscoveryInstances.addresses(List.of(
				instance("up", 9001, Map.of("instance_status", "UP")),
				instance("out", 9002, Map.of("instance_status", "OUT_OF_SERVICE")),
				instance("bad", 9003, Map.of("triple.port", "http")),
				instance("duplicate", 9001, Map.of())), problems);
		assertThat(addresses).extracting(InetSocketAddress::getPort).containsExactly(9001);
		assertThat(problems).singleElement().asString().contains("instance bad of svc", "triple.port='http'");
	}

	@Test
	void aTargetNamesOneServiceIdAfterThreeSlashes() {
		assertThat(DiscoveryClientNameResolvers.serviceId("discovery:///svc-1")).isEqualTo("svc-1");
		for (String wrong : List.of("discovery://svc", "discovery:///", "discovery:///a/b", "discovery:///a?x=1")) {
			assertThatIllegalArgumentException().isThrownBy(() -> DiscoveryClientNameResolvers.serviceId(wrong))
				.withMessageContaining("discovery:///SERVICE-ID");
		}
	}

	private static ServiceInstance instance(String id, int port, Map<String, String> metadata) {
		return new DefaultServiceInstance(id, "svc", "127.0.0.1", port, false, metadata);
	}

}
