package dev.triplestream.client;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

import io.grpc.Channel;

/**
 * Turns {@link TripleClient} interfaces into working clients: a JDK proxy whose methods open calls
 * on the interface's channel, under the channel's lifecycle settings.
 * <p>
 * {@link #validate} checks an interface without creating anything, so that a bad one fails the
 * application at start-up even when its bean is lazy. The channel is looked up on the first call,
 * so creating a client does not create its channel. Thread-safe.
 */
public final class TripleClientFactory {

	private final Function<String, ? extends Channel> channels;

	private final ClientStreams streams;

	/**
	 * @param channels the channel for a name under {@code triple.client.channels}
	 * @param streams the client-side stream lifecycle
	 */
	public TripleClientFactory(Function<String, ? extends Channel> channels, ClientStreams streams) {
		this.channels = channels;
		this.streams = streams;
	}

	/**
	 * Creates a client for {@code clientInterface}.
	 * @throws TripleClientDefinitionException when the interface is not a valid client
	 */
	public <T> T create(Class<T> clientInterface) {
		TripleClient client = annotation(clientInterface);
		Map<Method, ClientMethod> methods = methods(clientInterface, client);
		InvocationHandler handler = new ClientInvocationHandler(clientInterface, client.channel(), methods);
		return clientInterface.cast(Proxy.newProxyInstance(clientInterface.getClassLoader(),
				new Class<?>[] { clientInterface }, handler));
	}

	/**
	 * Checks that {@code clientInterface} is a valid client: annotated, and every abstract method
	 * of a supported shape with protobuf message types.
	 * @return the name of the channel it uses
	 * @throws TripleClientDefinitionException naming the interface and the method at fault
	 */
	public static String validate(Class<?> clientInterface) {
		TripleClient client = annotation(clientInterface);
		methods(clientInterface, client);
		return client.channel();
	}

	private static TripleClient annotation(Class<?> clientInterface) {
		if (!clientInterface.isInterface()) {
			throw new TripleClientDefinitionException(clientInterface.getName() + " is not an interface;"
					+ " @TripleClient goes on interfaces");
		}
		TripleClient client = clientInterface.getAnnotation(TripleClient.class);
		if (client == null) {
			throw new TripleClientDefinitionException(clientInterface.getName() + " is not annotated with @TripleClient");
		}
		if (client.channel().isBlank() || client.service().isBlank()) {
			throw new TripleClientDefinitionException(
					"@TripleClient on " + clientInterface.getName() + " needs both a channel and a service name");
		}
		return client;
	}

	private static Map<Method, ClientMethod> methods(Class<?> clientInterface, TripleClient client) {
		Map<Method, ClientMethod> methods = new HashMap<>();
		for (Method method : clientInterface.getMethods()) {
			if (Modifier.isAbstract(method.getModifiers())) {
				methods.put(method, ClientMethod.of(clientInterface, client.service(), method));
			}
		}
		return methods;
	}

	private final class ClientInvocationHandler implements InvocationHandler {

		private final Class<?> clientInterface;

		private final String channelName;

		private final Map<Method, ClientMethod> methods;

		private volatile Channel channel;

		ClientInvocationHandler(Class<?> clientInterface, String channelName, Map<Method, ClientMethod> methods) {
			this.clientInterface = clientInterface;
			this.channelName = channelName;
			this.methods = methods;
		}

		@Override
		public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
			ClientMethod clientMethod = this.methods.get(method);
			if (clientMethod != null) {
				return clientMethod.invoke(channel(), TripleClientFactory.this.streams, args);
			}
			if (method.isDefault()) {
				return InvocationHandler.invokeDefault(proxy, method, args);
			}
			return switch (method.getName()) {
				case "equals" -> proxy == args[0];
				case "hashCode" -> System.identityHashCode(proxy);
				case "toString" -> "TripleClient[" + this.clientInterface.getName() + " on channel '"
						+ this.channelName + "']";
				default -> throw new UnsupportedOperationException(method.toString());
			};
		}

		private Channel channel() {
			Channel current = this.channel;
			if (current == null) {
				current = TripleClientFactory.this.channels.apply(this.channelName);
				this.channel = current;
			}
			return current;
		}

	}

}
