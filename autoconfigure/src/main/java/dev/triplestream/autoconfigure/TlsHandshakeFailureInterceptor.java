package dev.triplestream.autoconfigure;

import java.security.GeneralSecurityException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;

import javax.net.ssl.SSLException;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;

/**
 * Says what a failed TLS handshake was about in the status of the calls it failed: grpc-java
 * reports them as {@code UNAVAILABLE} "io exception" (or "ssl exception"), the certificate problem
 * only in the cause. A call that failed because the server's certificate was not trusted (or does
 * not match the target's host) gets a description naming the channel and where its trust comes
 * from; one the server refused during the handshake (such as for a missing or unaccepted client
 * certificate) says so. The status code and cause are kept.
 * <p>
 * Stateless and thread-safe.
 */
final class TlsHandshakeFailureInterceptor implements ClientInterceptor {

	private final String channel;

	private final String trust;

	/**
	 * @param channel the channel's name
	 * @param trust where the channel's trust comes from, such as {@code SSL bundle 'ca'}
	 */
	TlsHandshakeFailureInterceptor(String channel, String trust) {
		this.channel = channel;
		this.trust = trust;
	}

	@Override
	public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
		return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
			@Override
			public void start(Listener<R> listener, Metadata headers) {
				super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
					@Override
					public void onClose(Status status, Metadata trailers) {
						super.onClose(describe(status), trailers);
					}
				}, headers);
			}
		};
	}

	/** The status with what the handshake failure was, or the status itself if it was none. */
	Status describe(Status status) {
		if (status.getCode() != Status.Code.UNAVAILABLE || status.getCause() == null) {
			return status;
		}
		Throwable certificate = find(status.getCause(), CertificateException.class, CertPathBuilderException.class,
				CertPathValidatorException.class);
		String grpc = (status.getDescription() != null) ? " [" + status.getDescription() + "]" : "";
		if (certificate != null) {
			return status.withDescription("TLS handshake of channel '" + this.channel
					+ "' failed: the server's certificate is not trusted by " + this.trust
					+ " or does not match the target's host (" + rootMessage(certificate) + ")" + grpc);
		}
		Throwable ssl = find(status.getCause(), SSLException.class);
		if (ssl != null) {
			return status.withDescription("TLS handshake of channel '" + this.channel
					+ "' failed; if the server requires a client certificate, check that the channel's SSL bundle "
					+ "has one its trust accepts (" + rootMessage(ssl) + ")" + grpc);
		}
		return status;
	}

	@SafeVarargs
	private static Throwable find(Throwable failure, Class<? extends Exception>... types) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			for (Class<? extends Exception> type : types) {
				if (type.isInstance(cause)) {
					return cause;
				}
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		return null;
	}

	private static String rootMessage(Throwable failure) {
		Throwable root = failure;
		while (root.getCause() != null && root.getCause() != root && !(root instanceof GeneralSecurityException)) {
			root = root.getCause();
		}
		return (root.getMessage() != null) ? root.getMessage() : root.getClass().getSimpleName();
	}

}
