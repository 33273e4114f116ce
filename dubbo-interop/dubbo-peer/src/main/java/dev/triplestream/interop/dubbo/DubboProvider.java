package dev.triplestream.interop.dubbo;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

import org.apache.dubbo.config.ProtocolConfig;
import org.apache.dubbo.config.ServiceConfig;
import org.apache.dubbo.config.bootstrap.DubboBootstrap;

import dev.triplestream.interop.v1.InteropService;

/**
 * A Dubbo 3 Triple provider of {@code InteropService}, bound to 127.0.0.1 on a free port, with
 * five exports that differ only in group or version: {@code default} (neither), {@code
 * group=blue}, {@code group=green}, {@code version=1.0.0} and {@code version=2.0.0}. Prints
 * {@code EVENT ready port=<port>} once it serves, then the events of every call (see
 * {@link DubboInteropService}). With a registry address as its argument, it registers there (in
 * both of Dubbo's layouts) before it reports ready. Runs until its standard input closes.
 */
public final class DubboProvider {

	private DubboProvider() {
	}

	public static void main(String[] args) throws IOException {
		int port = freeLoopbackPort();
		ProtocolConfig protocol = new ProtocolConfig("tri", port);
		protocol.setHost("127.0.0.1");
		// optional first argument: a registry address to register in, such as zookeeper://127.0.0.1:2181
		DubboBootstrap bootstrap = ((args.length > 0) ? DubboPeerApplication.bootstrap("triplestream-dubbo-provider", args[0])
				: DubboPeerApplication.bootstrap("triplestream-dubbo-provider")).protocol(protocol);
		bootstrap.service(export("default", null, null));
		bootstrap.service(export("group=blue", "blue", null));
		bootstrap.service(export("group=green", "green", null));
		bootstrap.service(export("version=1.0.0", null, "1.0.0"));
		bootstrap.service(export("version=2.0.0", null, "2.0.0"));
		bootstrap.start();
		PeerEvents.report("ready port=" + port);
		DubboPeerApplication.serveCommands((command) -> PeerEvents.report("unknown command " + command));
	}

	private static ServiceConfig<InteropService> export(String servedBy, String group, String version) {
		ServiceConfig<InteropService> service = new ServiceConfig<>();
		service.setInterface(InteropService.class);
		service.setRef(new DubboInteropService(servedBy));
		service.setGroup(group);
		service.setVersion(version);
		return service;
	}

	private static int freeLoopbackPort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

}
