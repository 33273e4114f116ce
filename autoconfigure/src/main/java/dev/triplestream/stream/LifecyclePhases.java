package dev.triplestream.stream;

import org.springframework.context.SmartLifecycle;

/**
 * The {@link SmartLifecycle} phases of triplestream's components. Spring stops higher phases first
 * (and starts them last), so on shutdown:
 * <ol>
 * <li>{@link #ANNOUNCE}: the server announces that it is leaving (health, gRPC health service,
 * readiness) and keeps serving new calls for the announce period;</li>
 * <li>{@link #SERVER}: the server stops taking calls and drains the ones in flight;</li>
 * <li>{@link #CLIENT_STREAMS}: open client streams are half-closed, drained, then cancelled;</li>
 * <li>{@link #CHANNELS}: channels shut down, once no stream needs them.</li>
 * </ol>
 * The server's phase is above that of Spring Boot's web server graceful shutdown
 * ({@code SmartLifecycle.DEFAULT_PHASE - 1024}), so the Actuator HTTP endpoints answer while the
 * server announces and drains. At start-up the order is reversed: channels first, the server last,
 * so that the server takes calls only when everything a handler may call is ready. Application
 * components with the default phase stop before all of these.
 */
public final class LifecyclePhases {

	/** Phase of the shutdown announcement, stopped before the server. */
	public static final int ANNOUNCE = SmartLifecycle.DEFAULT_PHASE - 256;

	/** Phase of the server's start and graceful drain. */
	public static final int SERVER = SmartLifecycle.DEFAULT_PHASE - 512;

	/** Phase of the client stream drain. */
	public static final int CLIENT_STREAMS = SmartLifecycle.DEFAULT_PHASE - 1536;

	/** Phase of the channels' shutdown. */
	public static final int CHANNELS = SmartLifecycle.DEFAULT_PHASE - 2048;

	private LifecyclePhases() {
	}

}
