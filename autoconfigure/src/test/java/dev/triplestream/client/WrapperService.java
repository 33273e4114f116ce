package dev.triplestream.client;

import com.google.protobuf.StringValue;
import io.grpc.MethodDescriptor;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.ServerServiceDefinition;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;

/**
 * A service built by hand, without a generated stub, whose messages are protobuf's well-known
 * {@code google.protobuf.StringValue}: {@code Upper} upper-cases a string, {@code Letters} streams
 * its letters.
 */
final class WrapperService {

	static final String NAME = "triplestream.test.v1.WrapperService";

	private WrapperService() {
	}

	static ServerServiceDefinition definition() {
		return ServerServiceDefinition.builder(NAME)
			.addMethod(method("Upper", MethodType.UNARY), ServerCalls.asyncUnaryCall((request, response) -> {
				response.onNext(StringValue.of(request.getValue().toUpperCase()));
				response.onCompleted();
			}))
			.addMethod(method("Letters", MethodType.SERVER_STREAMING),
					ServerCalls.asyncServerStreamingCall((request, responses) -> {
						request.getValue().codePoints().forEach((letter) -> responses.onNext(StringValue.of(Character.toString(letter))));
						responses.onCompleted();
					}))
			.build();
	}

	private static MethodDescriptor<StringValue, StringValue> method(String name, MethodType type) {
		return MethodDescriptor.<StringValue, StringValue>newBuilder()
			.setType(type)
			.setFullMethodName(MethodDescriptor.generateFullMethodName(NAME, name))
			.setRequestMarshaller(ProtoUtils.marshaller(StringValue.getDefaultInstance()))
			.setResponseMarshaller(ProtoUtils.marshaller(StringValue.getDefaultInstance()))
			.build();
	}

	@TripleClient(channel = "chat", service = NAME)
	interface WrapperClient {

		StringValue upper(StringValue value);

		ServerStream<StringValue> letters(StringValue word);

	}

}
