package dev.triplestream.registry;

import java.net.InetSocketAddress;
import java.util.Set;

/**
 * One of Dubbo's layouts, watched for the providers of one interface. A source calls its
 * {@code changed} callback whenever its providers may have changed, from a thread of its own
 * (Curator's event thread, a metadata fetch, a retry); the callback must not block, and reads the
 * current {@link #addresses()}, which never block either. Sources are thread-safe.
 */
interface ProviderSource extends AutoCloseable {

	/** Starts watching; {@code changed} runs whenever {@link #addresses()} may have changed. */
	void start(Runnable changed);

	/** The providers' addresses as currently known (unresolved). */
	Set<InetSocketAddress> addresses();

	/**
	 * Whether the last {@link #addresses()} was complete: the initial read of every watched node
	 * is done and no metadata it needs is still being fetched. Until then an empty set means
	 * "not known yet" rather than "no providers".
	 */
	boolean ready();

	/** Stops watching; no call of the listener starts afterwards. */
	@Override
	void close();

}
