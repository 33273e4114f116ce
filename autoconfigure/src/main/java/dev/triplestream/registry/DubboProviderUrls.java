package dev.triplestream.registry;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import io.grpc.BindableService;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;

import dev.triplestream.server.TripleServiceBean;

/**
 * The provider URLs a Triple server registers for its services, one per service, as a Dubbo 3.3
 * provider writes them: protocol {@code tri}, the advertised host and the server's port, the
 * interface as path, and the parameters {@code anyhost}, {@code application}, {@code deprecated},
 * {@code dubbo}, {@code dynamic}, {@code generic}, {@code interface}, {@code methods} (bare method
 * names, sorted, comma-separated), {@code pid}, {@code release}, {@code serialization},
 * {@code side=provider}, {@code timestamp}, and {@code group} / {@code version} when set.
 * <p>
 * The interface is the name a Dubbo consumer of the same {@code .proto} looks up: with Dubbo's IDL
 * code generation, the Java interface it generates, named {@code JAVA_PACKAGE.ServiceName} where
 * {@code JAVA_PACKAGE} is the proto file's {@code java_package}, the package of grpc-java's
 * generated {@code *Grpc} class too. It is taken from the service implementation's class (the
 * enclosing {@code *Grpc} class of the {@code *ImplBase} it extends), else the service's full
 * proto name; {@code overrides} maps a service's full proto name to another interface.
 * Immutable and thread-safe.
 *
 * @param host the advertised host
 * @param application the {@code application} parameter
 * @param group the service group, or null
 * @param version the service version, or null
 * @param overrides interface names by full proto service name
 */
public record DubboProviderUrls(String host, String application, String group, String version,
		Map<String, String> overrides) {

	public DubboProviderUrls {
		overrides = Map.copyOf(overrides);
	}

	/** The URL of each service, served on {@code port}. */
	public List<DubboUrl> urls(List<TripleServiceBean> services, int port) {
		long timestamp = System.currentTimeMillis();
		return services.stream().map((service) -> url(service.service(), port, timestamp)).toList();
	}

	private DubboUrl url(BindableService service, int port, long timestamp) {
		ServiceDescriptor descriptor = service.bindService().getServiceDescriptor();
		String serviceInterface = interfaceName(service, descriptor.getName(), this.overrides);
		TreeSet<String> methods = new TreeSet<>();
		for (MethodDescriptor<?, ?> method : descriptor.getMethods()) {
			methods.add(method.getBareMethodName());
		}
		Map<String, String> parameters = new LinkedHashMap<>();
		parameters.put("anyhost", "false");
		parameters.put("application", this.application);
		parameters.put("deprecated", "false");
		parameters.put("dubbo", "2.0.2");
		parameters.put("dynamic", "true");
		parameters.put("generic", "false");
		parameters.put("interface", serviceInterface);
		parameters.put("methods", String.join(",", methods));
		parameters.put("pid", String.valueOf(ProcessHandle.current().pid()));
		parameters.put("release", "triplestream");
		parameters.put("serialization", "protobuf");
		parameters.put("side", "provider");
		parameters.put("timestamp", String.valueOf(timestamp));
		if (this.group != null && !this.group.isEmpty()) {
			parameters.put("group", this.group);
		}
		if (this.version != null && !this.version.isEmpty()) {
			parameters.put("version", this.version);
		}
		return new DubboUrl(DubboServiceSelector.TRIPLE, this.host, port, serviceInterface, parameters);
	}

	/** The interface a service is registered under: see the class description. */
	static String interfaceName(BindableService service, String protoName, Map<String, String> overrides) {
		String override = overrides.get(protoName);
		if (override != null) {
			return override;
		}
		String simpleName = protoName.substring(protoName.lastIndexOf('.') + 1);
		for (Class<?> type = service.getClass(); type != null && type != Object.class; type = type.getSuperclass()) {
			Class<?> enclosing = type.getEnclosingClass();
			if (enclosing != null && enclosing.getSimpleName().endsWith("Grpc")) {
				String javaPackage = enclosing.getPackageName();
				return javaPackage.isEmpty() ? simpleName : javaPackage + "." + simpleName;
			}
		}
		return protoName;
	}

}
