package dev.triplestream.actuate;

import java.util.LinkedHashMap;
import java.util.Map;


import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

import dev.triplestream.client.TripleChannels;
import dev.triplestream.server.ShutdownAnnouncement;
import dev.triplestream.server.TripleServer;
import dev.triplestream.stream.StreamRegistry;
import dev.triplestream.stream.StreamSide;

/**
 * Health of triplestream: DOWN when the application has a server that is not running (not yet
 * started, or stopped); OUT_OF_SERVICE, with detail {@code draining}, once the server announced
 * its shutdown (see {@link ShutdownAnnouncement}) and while it drains; UP otherwise. Details: the server's port and services, each created
 * channel's connectivity state, and the open stream counts. A channel in TRANSIENT_FAILURE does
 * not make the application DOWN: a client cannot fix its server by restarting.
 */
public class TripleHealthIndicator extends AbstractHealthIndicator {

	private final ObjectProvider<TripleServer> server;

	private final ObjectProvider<TripleChannels> channels;

	private final StreamRegistry registry;

	private final ObjectProvider<ShutdownAnnouncement> announcement;

	public TripleHealthIndicator(ObjectProvider<TripleServer> server, ObjectProvider<TripleChannels> channels,
			StreamRegistry registry, ObjectProvider<ShutdownAnnouncement> announcement) {
		super("Triple health check failed");
		this.server = server;
		this.channels = channels;
		this.registry = registry;
		this.announcement = announcement;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		builder.up();
		TripleServer server = this.server.getIfAvailable();
		if (server != null) {
			Map<String, Object> details = new LinkedHashMap<>();
			details.put("running", server.isRunning());
			details.put("port", server.getPort());
			details.put("services", server.getServices()
				.stream()
				.map((service) -> service.service().bindService().getServiceDescriptor().getName())
				.toList());
			builder.withDetail("server", details);
			ShutdownAnnouncement announcement = this.announcement.getIfAvailable();
			if (!server.isRunning()) {
				builder.down();
			}
			else if (announcement != null && announcement.isAnnounced()) {
				builder.outOfService().withDetail("draining", true);
			}
		}
		TripleChannels channels = this.channels.getIfAvailable();
		if (channels != null) {
			Map<String, Object> states = new LinkedHashMap<>();
			for (String name : channels.names()) {
				states.put(name, channels.isCreated(name) ? channels.get(name).getState(false) : "NOT_CREATED");
			}
			builder.withDetail("channels", states);
		}
		builder.withDetail("streams", Map.of("client", this.registry.count(StreamSide.CLIENT), "server",
				this.registry.count(StreamSide.SERVER)));
	}


}
