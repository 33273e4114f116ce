package dev.triplestream.security;

import io.grpc.Attributes;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;

/**
 * A server call as the {@link TripleSecurity} rules and their
 * {@link org.springframework.security.authorization.AuthorizationManager AuthorizationManagers} see
 * it, before its handler starts: the method called, the request headers and the transport's
 * attributes (such as the peer's address and TLS session). Immutable; the headers are those of the
 * call and must not be changed.
 *
 * @param method the method called
 * @param headers the call's request headers
 * @param attributes the call's transport attributes
 */
public record SecuredCall(MethodDescriptor<?, ?> method, Metadata headers, Attributes attributes) {

	/** The full method name, {@code package.Service/Method}. */
	public String fullMethodName() {
		return this.method.getFullMethodName();
	}

	/** The full service name, {@code package.Service}. */
	public String serviceName() {
		return this.method.getServiceName();
	}

}
