package dev.triplestream.registry;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;

/**
 * The host a server tells its registry: the one configured, else the address it binds when that is
 * one address, else the first IPv4, then any, non-loopback address of an interface that is up, else
 * the loopback address.
 */
public final class AdvertisedAddress {

	private AdvertisedAddress() {
	}

	/**
	 * The host to advertise.
	 * @param configured the configured host, or null
	 * @param bound the address the server binds, or null for every interface
	 */
	public static String of(String configured, InetAddress bound) {
		if (configured != null && !configured.isBlank()) {
			return configured.strip();
		}
		if (bound != null && !bound.isAnyLocalAddress()) {
			return bound.getHostAddress();
		}
		InetAddress fallback = null;
		try {
			for (NetworkInterface network : Collections.list(NetworkInterface.getNetworkInterfaces())) {
				if (!network.isUp() || network.isLoopback() || network.isVirtual()) {
					continue;
				}
				for (InetAddress address : Collections.list(network.getInetAddresses())) {
					if (address.isLoopbackAddress() || address.isLinkLocalAddress()) {
						continue;
					}
					if (address instanceof Inet4Address) {
						return address.getHostAddress();
					}
					fallback = (fallback != null) ? fallback : address;
				}
			}
		}
		catch (SocketException ex) {
			// no interface to list: loopback below
		}
		return (fallback != null) ? fallback.getHostAddress() : InetAddress.getLoopbackAddress().getHostAddress();
	}

}
