package dev.triplestream.registry;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;

/**
 * Writes registry nodes exactly as a Dubbo 3.3 provider with a ZooKeeper registry does (formats from
 * Dubbo's {@code ZookeeperRegistry}, {@code ZookeeperMetadataReport}, {@code ZookeeperServiceDiscovery}
 * and Curator's {@code JsonInstanceSerializer} in compatible mode), through the client given, whose
 * session stands for the provider's.
 */
final class DubboNodes {

	static final String INTERFACE = "dev.triplestream.test.v1.EchoService";

	private final CuratorFramework client;

	DubboNodes(CuratorFramework client) {
		this.client = client;
	}

	/** A provider URL as Dubbo 3.3 writes it for a Triple service (group and version when not null). */
	static String providerUrl(String protocol, int port, String group, String version, String extra) {
		return protocol + "://127.0.0.1:" + port + "/" + INTERFACE + "?anyhost=true&application=demo-provider"
				+ "&background=false&deprecated=false&dubbo=2.0.2&dynamic=true&generic=false"
				+ ((group != null) ? "&group=" + group : "") + "&interface=" + INTERFACE
				+ "&methods=Chat,Collect,Echo,Repeat&pid=4242&prefer.serialization=hessian2,fastjson2&release=3.3.6"
				+ "&service-name-mapping=true&side=provider&timestamp=1718000000000"
				+ ((version != null) ? "&version=" + version : "") + extra;
	}

	/** Writes an interface-level provider node (ephemeral, parents persistent); returns its path. */
	String provider(String url) throws Exception {
		String path = "/dubbo/" + INTERFACE + "/providers/" + URLEncoder.encode(url, StandardCharsets.UTF_8);
		this.client.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL).forPath(path, new byte[0]);
		return path;
	}

	/** Writes the interface-to-application mapping (persistent). */
	void mapping(String applications) throws Exception {
		String path = "/dubbo/mapping/" + INTERFACE;
		byte[] data = applications.getBytes(StandardCharsets.UTF_8);
		if (this.client.checkExists().forPath(path) == null) {
			this.client.create().creatingParentsIfNeeded().forPath(path, data);
		}
		else {
			this.client.setData().forPath(path, data);
		}
	}

	/** Writes an application-level instance node (ephemeral); returns its path. */
	String instance(String application, int port, String revision) throws Exception {
		String id = "127.0.0.1:" + port;
		String metadata = "{\"dubbo.endpoints\":\"[{\\\"port\\\":" + port + ",\\\"protocol\\\":\\\"tri\\\"}]\","
				+ "\"dubbo.metadata-service.url-params\":\"{\\\"connections\\\":\\\"1\\\",\\\"version\\\":\\\"2.0.0\\\","
				+ "\\\"dubbo\\\":\\\"2.0.2\\\",\\\"side\\\":\\\"provider\\\",\\\"port\\\":\\\"" + port
				+ "\\\",\\\"protocol\\\":\\\"tri\\\"}\",\"dubbo.metadata.revision\":\"" + revision + "\","
				+ "\"dubbo.metadata.storage-type\":\"local\",\"meta-v\":\"2.0.0\",\"timestamp\":\"1718000000000\"}";
		String json = "{\"name\":\"" + application + "\",\"id\":\"" + id + "\",\"address\":\"127.0.0.1\",\"port\":" + port
				+ ",\"sslPort\":null,\"payload\":{\"@class\":\"org.apache.dubbo.registry.zookeeper.ZookeeperInstance\","
				+ "\"id\":\"" + id + "\",\"name\":\"" + application + "\",\"metadata\":" + metadata + "},"
				+ "\"registrationTimeUTC\":1718000000000,\"serviceType\":\"DYNAMIC\",\"uriSpec\":null}";
		String path = "/services/" + application + "/" + id;
		this.client.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL)
			.forPath(path, json.getBytes(StandardCharsets.UTF_8));
		return path;
	}

	void delete(String path) throws Exception {
		this.client.delete().forPath(path);
	}

}
