package dev.triplestream.client;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import com.google.common.util.concurrent.MoreExecutors;
import com.google.protobuf.Message;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.MethodDescriptor;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;

import org.springframework.boot.convert.DurationStyle;

/**
 * One method of a {@link TripleClient} interface: its shape, read once by reflection when the
 * client is defined, and how to turn an invocation into a call. All of triplestream's reflection
 * on client interfaces lives here.
 */
final class ClientMethod {

	static final String SUPPORTED_SHAPES = "BidiStream<Req, Resp> m(); StreamObserver<Req> m(StreamObserver<Resp>)"
			+ " (or RequestObserver<Req>);"
			+ " Resp m(Req); CompletableFuture<Resp> m(Req); ServerStream<Resp> m(Req);"
			+ " void m(Req, StreamObserver<Resp>) -- where Req and Resp are protobuf message classes";

	private enum Shape {

		BIDI_BLOCKING, STREAMING_ASYNC, UNARY_BLOCKING, UNARY_FUTURE, SERVER_STREAMING_BLOCKING, RESPONSE_OBSERVER

	}

	private final Shape shape;

	private final MethodDescriptor<Object, Object> descriptor;

	private final String name;

	private final TimeoutSetting deadline;

	private final TimeoutSetting idleTimeout;

	private final DrainPolicy drainPolicy;

	/** What leak reports and the streams endpoint say opened a call: {@code Client.method()}. */
	private final String openedBy;

	/** Shared by every call of this method unless each captures its own stack (paranoid). */
	private final OpeningSite site;

	private ClientMethod(Shape shape, MethodDescriptor<Object, Object> descriptor, String name,
			TimeoutSetting deadline, TimeoutSetting idleTimeout, DrainPolicy drainPolicy) {
		this.shape = shape;
		this.descriptor = descriptor;
		this.name = name;
		this.deadline = deadline;
		this.idleTimeout = idleTimeout;
		this.drainPolicy = drainPolicy;
		this.openedBy = name + "()";
		this.site = new OpeningSite(this.openedBy, null);
	}

	/**
	 * Reads one interface method.
	 * @throws TripleClientDefinitionException naming the interface, the method and the supported
	 * shapes when the method fits none
	 */
	static ClientMethod of(Class<?> clientInterface, String service, Method method) {
		String name = clientInterface.getSimpleName() + "." + method.getName();
		TripleMethod annotation = method.getAnnotation(TripleMethod.class);
		MethodType declared = (annotation != null) ? annotation.type() : MethodType.UNKNOWN;
		Type returnType = method.getGenericReturnType();
		Type[] params = method.getGenericParameterTypes();
		Shape shape;
		MethodType type;
		Class<?> request;
		Class<?> response;
		if (params.length == 0 && rawType(returnType) == BidiStream.class) {
			shape = Shape.BIDI_BLOCKING;
			type = MethodType.BIDI_STREAMING;
			request = typeArgument(returnType, 0);
			response = typeArgument(returnType, 1);
		}
		else if (params.length == 1
				&& (rawType(returnType) == StreamObserver.class || rawType(returnType) == RequestObserver.class)
				&& rawType(params[0]) == StreamObserver.class) {
			shape = Shape.STREAMING_ASYNC;
			type = (declared == MethodType.CLIENT_STREAMING) ? MethodType.CLIENT_STREAMING : MethodType.BIDI_STREAMING;
			request = typeArgument(returnType, 0);
			response = typeArgument(params[0], 0);
		}
		else if (params.length == 1 && rawType(returnType) == ServerStream.class) {
			shape = Shape.SERVER_STREAMING_BLOCKING;
			type = MethodType.SERVER_STREAMING;
			request = messageClass(params[0]);
			response = typeArgument(returnType, 0);
		}
		else if (params.length == 1 && rawType(returnType) == CompletableFuture.class) {
			shape = Shape.UNARY_FUTURE;
			type = MethodType.UNARY;
			request = messageClass(params[0]);
			response = typeArgument(returnType, 0);
		}
		else if (params.length == 2 && returnType == void.class && rawType(params[1]) == StreamObserver.class) {
			shape = Shape.RESPONSE_OBSERVER;
			type = (declared == MethodType.UNARY) ? MethodType.UNARY : MethodType.SERVER_STREAMING;
			request = messageClass(params[0]);
			response = typeArgument(params[1], 0);
		}
		else if (params.length == 1 && messageClass(returnType) != null) {
			shape = Shape.UNARY_BLOCKING;
			type = MethodType.UNARY;
			request = messageClass(params[0]);
			response = messageClass(returnType);
		}
		else {
			throw unsupported(clientInterface, method, "its parameters and return type fit no supported shape");
		}
		if (request == null || response == null) {
			throw unsupported(clientInterface, method,
					"its request and response types must be concrete protobuf message classes");
		}
		if (declared != MethodType.UNKNOWN && declared != type) {
			throw unsupported(clientInterface, method,
					"@TripleMethod(type = " + declared + ") does not fit its shape, which makes it " + type);
		}
		String rpc = (annotation != null && !annotation.value().isEmpty()) ? annotation.value()
				: Character.toUpperCase(method.getName().charAt(0)) + method.getName().substring(1);
		MethodDescriptor<Object, Object> descriptor = MethodDescriptor.newBuilder(marshaller(request), marshaller(response))
			.setType(type)
			.setFullMethodName(MethodDescriptor.generateFullMethodName(service, rpc))
			.build();
		String source = "@TripleMethod(%s) on " + name;
		TimeoutSetting deadline = (annotation != null)
				? duration(clientInterface, method, annotation.deadline(), String.format(source, "deadline")) : null;
		TimeoutSetting idle = (annotation != null)
				? duration(clientInterface, method, annotation.idleTimeout(), String.format(source, "idleTimeout"))
				: null;
		DrainPolicy drainPolicy = (annotation != null) ? annotation.drainPolicy() : DrainPolicy.INHERIT;
		return new ClientMethod(shape, descriptor, name, deadline, idle, drainPolicy);
	}

	MethodDescriptor<Object, Object> descriptor() {
		return this.descriptor;
	}

	/**
	 * Opens the call this method stands for.
	 * @param channel the client's channel
	 * @param streams the client-side lifecycle (leak detection level)
	 * @param args the invocation's arguments
	 */
	@SuppressWarnings("unchecked")
	Object invoke(Channel channel, ClientStreams streams, Object[] args) {
		OpeningSite site = (streams.leakDetection() == LeakDetection.PARANOID)
				? OpeningSite.of(this.openedBy, LeakDetection.PARANOID) : this.site;
		CallOptions options = CallOptions.DEFAULT.withOption(OpeningSite.KEY, site);
		if (this.deadline != null) {
			options = options.withOption(StreamLifecycleInterceptor.DEADLINE, this.deadline);
		}
		if (this.idleTimeout != null) {
			options = options.withOption(StreamLifecycleInterceptor.IDLE_TIMEOUT, this.idleTimeout);
		}
		if (this.drainPolicy != DrainPolicy.INHERIT) {
			options = options.withOption(StreamLifecycleInterceptor.DRAIN_POLICY, this.drainPolicy);
		}
		switch (this.shape) {
			case BIDI_BLOCKING:
				return new BlockingBidiStream<>(blockingCall(channel, options), streams.leakDetection());
			case SERVER_STREAMING_BLOCKING:
				return BlockingBidiStream.serverStreaming(blockingCall(channel, options), requireRequest(args[0]),
						streams.leakDetection());
			case UNARY_BLOCKING:
				return ClientCalls.blockingUnaryCall(channel, this.descriptor, options, requireRequest(args[0]));
			case UNARY_FUTURE:
				return futureUnary(channel.newCall(this.descriptor, options), requireRequest(args[0]));
			case STREAMING_ASYNC: {
				StreamObserver<Object> responses = (StreamObserver<Object>) requireObserver(args[0]);
				TrackedClientCall<Object, Object> call = trackedCall(channel, options);
				StreamObserver<Object> requests = (this.descriptor.getType() == MethodType.CLIENT_STREAMING)
						? ClientCalls.asyncClientStreamingCall(call, responses)
						: ClientCalls.asyncBidiStreamingCall(call, responses);
				return new TrackedRequestObserver<>((ClientCallStreamObserver<Object>) requests, call.lifecycle());
			}
			case RESPONSE_OBSERVER: {
				ClientCall<Object, Object> call = channel.newCall(this.descriptor, options);
				StreamObserver<Object> responses = (StreamObserver<Object>) requireObserver(args[1]);
				try {
					if (this.descriptor.getType() == MethodType.UNARY) {
						ClientCalls.asyncUnaryCall(call, requireRequest(args[0]), responses);
					}
					else {
						ClientCalls.asyncServerStreamingCall(call, requireRequest(args[0]), responses);
					}
				}
				catch (StatusRuntimeException ex) {
					// The lifecycle ended the call while it opened (an operator cancel, the drain):
					// the end reaches the observer through onClose, as every end of an async call does.
					if (!(call instanceof TrackedClientCall<?, ?> tracked) || !tracked.lifecycle().isEnded()) {
						throw ex;
					}
				}
				return null;
			}
			default:
				throw new IllegalStateException(this.shape.name());
		}
	}

	/**
	 * A call whose listener runs on the transport thread: the blocking handles only queue and
	 * signal there, and the application's thread does the rest, saving a thread hop per message.
	 */
	private TrackedClientCall<Object, Object> blockingCall(Channel channel, CallOptions options) {
		return trackedCall(channel, options.withExecutor(MoreExecutors.directExecutor()));
	}

	/** A call of the channel, which must put its calls under triplestream's lifecycle. */
	private TrackedClientCall<Object, Object> trackedCall(Channel channel, CallOptions options) {
		ClientCall<Object, Object> call = channel.newCall(this.descriptor, options);
		if (call instanceof TrackedClientCall<Object, Object> tracked) {
			return tracked;
		}
		call.cancel("not a triplestream channel", null);
		throw new IllegalStateException("The channel of " + this.name + " does not put calls under triplestream's"
				+ " lifecycle: its outermost interceptor must be ClientStreams.interceptor(...)");
	}

	private static CompletableFuture<Object> futureUnary(ClientCall<Object, Object> call, Object request) {
		UnaryFuture future = new UnaryFuture(call);
		future.start(request);
		return future;
	}

	private Object requireRequest(Object request) {
		if (request == null) {
			throw new NullPointerException(this.name + ": the request message must not be null");
		}
		return request;
	}

	private Object requireObserver(Object observer) {
		if (observer == null) {
			throw new NullPointerException(this.name + ": the response observer must not be null");
		}
		return observer;
	}

	private static TimeoutSetting duration(Class<?> clientInterface, Method method, String value, String source) {
		if (value.isEmpty()) {
			return null;
		}
		Duration duration;
		try {
			duration = DurationStyle.detectAndParse(value);
		}
		catch (IllegalArgumentException ex) {
			throw unsupported(clientInterface, method, source + " = \"" + value + "\" is not a duration (such as \"30s\")");
		}
		if (duration.isNegative() || duration.isZero()) {
			throw unsupported(clientInterface, method, source + " = \"" + value + "\" must be positive");
		}
		return new TimeoutSetting(duration, source);
	}

	private static TripleClientDefinitionException unsupported(Class<?> clientInterface, Method method, String why) {
		return new TripleClientDefinitionException("Method " + method.getName() + " of @TripleClient interface "
				+ clientInterface.getName() + " is not supported: " + why + ". Supported shapes: " + SUPPORTED_SHAPES);
	}

	private static Class<?> rawType(Type type) {
		if (type instanceof ParameterizedType parameterized) {
			return (Class<?>) parameterized.getRawType();
		}
		return (type instanceof Class<?> clazz) ? clazz : null;
	}

	private static Class<?> typeArgument(Type type, int index) {
		if (type instanceof ParameterizedType parameterized) {
			return messageClass(parameterized.getActualTypeArguments()[index]);
		}
		return null;
	}

	private static Class<?> messageClass(Type type) {
		if (type instanceof Class<?> clazz && Message.class.isAssignableFrom(clazz) && !clazz.isInterface()
				&& !Modifier.isAbstract(clazz.getModifiers())) {
			return clazz;
		}
		return null;
	}

	@SuppressWarnings("unchecked")
	private static MethodDescriptor.Marshaller<Object> marshaller(Class<?> messageClass) {
		return (MethodDescriptor.Marshaller<Object>) (MethodDescriptor.Marshaller<?>) ProtoUtils
			.marshaller(defaultInstance(messageClass));
	}

	private static Message defaultInstance(Class<?> messageClass) {
		try {
			return (Message) messageClass.getMethod("getDefaultInstance").invoke(null);
		}
		catch (ReflectiveOperationException ex) {
			throw new TripleClientDefinitionException(
					messageClass.getName() + " is not a generated protobuf message: no getDefaultInstance()", ex);
		}
	}

}
