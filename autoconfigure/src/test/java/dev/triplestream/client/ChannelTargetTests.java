package dev.triplestream.client;

import java.net.InetSocketAddress;
import java.util.Set;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ChannelTargetTests {

	private static final Predicate<String> UNIX_ONLY = Set.of("unix")::contains;

	@Test
	void hostAndPortIsResolvedThroughDns() {
		ChannelTarget target = ChannelTarget.parse("localhost:9090", UNIX_ONLY);
		assertThat(target.kind()).isEqualTo(ChannelTarget.Kind.DNS);
		assertThat(target.addresses()).containsExactly(InetSocketAddress.createUnresolved("localhost", 9090));
		assertThat(target.grpcTarget()).isEqualTo("dns:///localhost:9090");
		assertThat(target.isLoopback()).isTrue();
	}

	@Test
	void dnsUriKeepsItsForm() {
		ChannelTarget target = ChannelTarget.parse("dns:///orders.internal:443", UNIX_ONLY);
		assertThat(target.kind()).isEqualTo(ChannelTarget.Kind.DNS);
		assertThat(target.addresses()).containsExactly(InetSocketAddress.createUnresolved("orders.internal", 443));
		assertThat(target.grpcTarget()).isEqualTo("dns:///orders.internal:443");
		assertThat(target.isLoopback()).isFalse();
	}

	@Test
	void ipv6LiteralInBrackets() {
		ChannelTarget target = ChannelTarget.parse("[::1]:8080", UNIX_ONLY);
		assertThat(target.addresses().get(0).getHostString()).isEqualTo("::1");
		assertThat(target.addresses().get(0).getPort()).isEqualTo(8080);
		assertThat(target.isLoopback()).isTrue();
	}

	@Test
	void staticListKeepsEveryAddressInOrder() {
		ChannelTarget target = ChannelTarget.parse("static://127.0.0.1:5000, 127.0.0.2:5001", UNIX_ONLY);
		assertThat(target.kind()).isEqualTo(ChannelTarget.Kind.STATIC);
		assertThat(target.addresses()).containsExactly(InetSocketAddress.createUnresolved("127.0.0.1", 5000),
				InetSocketAddress.createUnresolved("127.0.0.2", 5001));
		assertThat(target.grpcTarget()).isEqualTo("static:///127.0.0.1:5000,127.0.0.2:5001");
		assertThat(target.isLoopback()).isTrue();
		assertThat(ChannelTarget.parse("static://127.0.0.1:5000,10.1.2.3:5001", UNIX_ONLY).isLoopback()).isFalse();
	}

	@Test
	void inProcessNamesTheServer() {
		ChannelTarget target = ChannelTarget.parse("in-process:orders", UNIX_ONLY);
		assertThat(target.kind()).isEqualTo(ChannelTarget.Kind.IN_PROCESS);
		assertThat(target.inProcessName()).isEqualTo("orders");
		assertThat(target.isNetwork()).isFalse();
		assertThat(target.isLoopback()).isFalse();
	}

	@Test
	void schemeKnownToGrpcIsPassedThrough() {
		ChannelTarget target = ChannelTarget.parse("unix:///tmp/orders.sock", UNIX_ONLY);
		assertThat(target.kind()).isEqualTo(ChannelTarget.Kind.OTHER);
		assertThat(target.grpcTarget()).isEqualTo("unix:///tmp/orders.sock");
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = { "localhost|has no port", "localhost:|has no port",
			"localhost:abc|is not a port number", "localhost:0|outside 1-65535", "localhost:65536|outside 1-65535",
			"foo:///bar:1|unknown scheme 'foo'", "static://|static address list is empty",
			"static://127.0.0.1:1,,127.0.0.1:2|has an empty entry", "static://127.0.0.1|has no port",
			"in-process:|needs a server name", "dns:///|three slashes", "dns:///orders|has no port",
			"::1:80|IPv6 literal", "bad host:80|not a valid host name", "[::1|never closes",
			"static://[::1]:80|IPv6 literals are not supported" })
	void malformedTargetsAreRejectedWithTheReason(String text, String reason) {
		assertThatIllegalArgumentException().isThrownBy(() -> ChannelTarget.parse(text, UNIX_ONLY))
			.withMessageContaining(reason);
	}

	@Test
	void blankTargetIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> ChannelTarget.parse("  ", UNIX_ONLY))
			.withMessageContaining("empty");
	}

}
