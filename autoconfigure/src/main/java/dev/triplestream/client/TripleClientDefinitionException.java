package dev.triplestream.client;

/**
 * A {@link TripleClient} interface that cannot be implemented: a method of an unsupported shape, a
 * type that is not a protobuf message, a bad {@link TripleMethod} value, or an unknown channel.
 * Thrown while the client's bean is defined, so that the application fails at start-up.
 */
public class TripleClientDefinitionException extends RuntimeException {

	public TripleClientDefinitionException(String message) {
		super(message);
	}

	public TripleClientDefinitionException(String message, Throwable cause) {
		super(message, cause);
	}

}
