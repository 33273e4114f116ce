package dev.triplestream.actuate;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;

/**
 * The {@code triple} health contributor: {@code server} (see {@link TripleHealthIndicator}) and
 * {@code channels}, one {@link ChannelHealthIndicator} per configured channel, so that
 * {@code /actuator/health/triple/channels/{name}} shows one channel. Health groups can include a
 * member alone, such as {@code triple/server}: the readiness group should not include the channels,
 * since a client cannot fix its server by restarting. Immutable.
 */
public class TripleHealthContributor implements CompositeHealthContributor {

	private final Map<String, HealthContributor> members;

	/**
	 * @param server the server's (and streams') health
	 * @param channels each channel's health, by channel name; may be empty
	 */
	public TripleHealthContributor(TripleHealthIndicator server, Map<String, ChannelHealthIndicator> channels) {
		Map<String, HealthContributor> members = new LinkedHashMap<>();
		members.put("server", server);
		if (!channels.isEmpty()) {
			members.put("channels", CompositeHealthContributor.fromMap(channels));
		}
		this.members = Collections.unmodifiableMap(members);
	}

	@Override
	public HealthContributor getContributor(String name) {
		return this.members.get(name);
	}

	@Override
	public Stream<Entry> stream() {
		return this.members.entrySet().stream().map((member) -> new Entry(member.getKey(), member.getValue()));
	}

	/** The server's health. */
	public TripleHealthIndicator server() {
		return (TripleHealthIndicator) this.members.get("server");
	}

}
