package dev.triplestream.registry;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One instance of a Dubbo application registered at application level: the data of
 * {@code /services/APP/<id>}, which Dubbo 3.3 writes through Curator's service discovery
 * ({@code org.apache.curator.x.discovery.ServiceInstance} as JSON, in Curator's compatible mode, so
 * without {@code enabled} unless another writer adds it): {@code name} (the application),
 * {@code id} ({@code host:port}), {@code address}, {@code port}, and {@code payload.metadata}, a map
 * of strings holding {@code dubbo.endpoints} (a JSON array of {@code {"port":N,"protocol":"tri"}}),
 * {@code dubbo.metadata.revision}, {@code dubbo.metadata.storage-type} and
 * {@code dubbo.metadata-service.url-params} (JSON with the metadata service's {@code port} and
 * {@code protocol}). Immutable and thread-safe.
 *
 * @param application the application's name
 * @param host the instance's address
 * @param port the instance's port (that of its first protocol)
 * @param enabled false when the instance was marked disabled (Curator's {@code enabled})
 * @param metadata the instance metadata
 */
record DubboInstance(String application, String host, int port, boolean enabled, Map<String, String> metadata) {

	static final String ENDPOINTS = "dubbo.endpoints";

	static final String REVISION = "dubbo.metadata.revision";

	static final String STORAGE_TYPE = "dubbo.metadata.storage-type";

	static final String METADATA_SERVICE_PARAMS = "dubbo.metadata-service.url-params";

	private static final ObjectMapper json = new ObjectMapper();

	/**
	 * Reads an instance node's data.
	 * @throws IOException when it is not an instance's JSON
	 */
	static DubboInstance parse(byte[] data) throws IOException {
		JsonNode node = json.readTree(data);
		if (node == null || !node.hasNonNull("address") || !node.hasNonNull("port")) {
			throw new IOException("not a service instance: no address or port");
		}
		Map<String, String> metadata = new LinkedHashMap<>();
		JsonNode entries = node.path("payload").path("metadata");
		entries.properties().forEach((entry) -> metadata.put(entry.getKey(), entry.getValue().asText()));
		return new DubboInstance(node.path("name").asText(), node.get("address").asText(), node.get("port").asInt(),
				node.path("enabled").asBoolean(true), metadata);
	}

	/** The port of the instance's {@code tri} endpoint, else the instance port when it lists none. */
	int triplePort() {
		String endpoints = this.metadata.get(ENDPOINTS);
		if (endpoints == null || endpoints.isBlank()) {
			return this.port;
		}
		try {
			for (JsonNode endpoint : json.readTree(endpoints)) {
				if (DubboServiceSelector.TRIPLE.equals(endpoint.path("protocol").asText())) {
					return endpoint.path("port").asInt(-1);
				}
			}
		}
		catch (IOException ex) {
			return -1;
		}
		return -1;
	}

	/**
	 * The port of the instance's metadata service: that of {@code dubbo.metadata-service.url-params}
	 * when it is Triple, else the {@code tri} endpoint's (where Dubbo serves MetadataServiceV2
	 * unless told otherwise).
	 */
	int metadataPort() {
		String params = this.metadata.get(METADATA_SERVICE_PARAMS);
		if (params != null && !params.isBlank()) {
			try {
				JsonNode node = json.readTree(params);
				if (DubboServiceSelector.TRIPLE.equals(node.path("protocol").asText()) && node.hasNonNull("port")) {
					return Integer.parseInt(node.get("port").asText());
				}
			}
			catch (IOException | NumberFormatException ex) {
				// fall through to the tri endpoint
			}
		}
		return triplePort();
	}

	String revision() {
		return this.metadata.get(REVISION);
	}

	/** Whether the metadata is kept in a metadata report rather than served by the instance. */
	boolean remoteMetadata() {
		return "remote".equals(this.metadata.get(STORAGE_TYPE));
	}

}
