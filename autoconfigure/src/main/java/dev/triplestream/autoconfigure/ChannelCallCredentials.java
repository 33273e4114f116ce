package dev.triplestream.autoconfigure;

import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

import io.grpc.CallCredentials;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.CompositeCallCredentials;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.SecurityLevel;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;

import dev.triplestream.client.TripleCallCredentials;

/**
 * A channel's {@link TripleCallCredentials} as grpc-java {@link CallCredentials}, given to every
 * call of the channel by {@link #interceptor()}. Refuses to send credentials over a connection
 * without privacy and integrity (grpc-java applies call credentials whatever the transport; it is
 * theirs to check) unless the channel allows it.
 * <p>
 * Thread-safe and stateless: every call asks the credentials anew.
 */
final class ChannelCallCredentials extends CallCredentials {

	private final String channel;

	private final TripleCallCredentials credentials;

	private final boolean allowInsecure;

	/**
	 * @param channel the channel's name, for the calls' failure messages
	 * @param credentials asked for the headers of every call
	 * @param allowInsecure whether the headers may go over a connection without privacy
	 */
	ChannelCallCredentials(String channel, TripleCallCredentials credentials, boolean allowInsecure) {
		this.channel = channel;
		this.credentials = credentials;
		this.allowInsecure = allowInsecure;
	}

	/**
	 * An interceptor that gives every call these credentials, composed before any the call already
	 * has (from a stub's {@code withCallCredentials}).
	 */
	ClientInterceptor interceptor() {
		return new ClientInterceptor() {
			@Override
			public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options,
					Channel next) {
				CallCredentials own = options.getCredentials();
				CallCredentials combined = (own != null) ? new CompositeCallCredentials(ChannelCallCredentials.this, own)
						: ChannelCallCredentials.this;
				return next.newCall(method, options.withCallCredentials(combined));
			}
		};
	}

	@Override
	public void applyRequestMetadata(RequestInfo request, Executor executor, MetadataApplier applier) {
		if (request.getSecurityLevel() != SecurityLevel.PRIVACY_AND_INTEGRITY && !this.allowInsecure) {
			applier.fail(Status.UNAUTHENTICATED.withDescription("Channel '" + this.channel
					+ "' does not send its credentials over a connection without TLS; use TLS or set "
					+ ResolvedChannel.CHANNELS + "." + this.channel + ".auth.allow-insecure=true"));
			return;
		}
		CompletionStage<Metadata> headers;
		try {
			headers = this.credentials.headers(new TripleCallCredentials.CallDetails(this.channel,
					request.getMethodDescriptor(), request.getAuthority(), executor));
		}
		catch (RuntimeException ex) {
			applier.fail(failure(ex));
			return;
		}
		headers.whenComplete((metadata, failure) -> {
			if (failure != null) {
				applier.fail(failure(failure));
			}
			else if (metadata == null) {
				applier.fail(Status.UNAUTHENTICATED
					.withDescription("The credentials of channel '" + this.channel + "' gave no headers"));
			}
			else {
				applier.apply(metadata);
			}
		});
	}

	/** The status a call fails with when its credentials could not be had; never includes headers. */
	private Status failure(Throwable failure) {
		Throwable cause = (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause()
				: failure;
		if (cause instanceof StatusException ex) {
			return ex.getStatus();
		}
		if (cause instanceof StatusRuntimeException ex) {
			return ex.getStatus();
		}
		return Status.UNAUTHENTICATED
			.withDescription("Could not get the credentials of channel '" + this.channel + "': " + cause)
			.withCause(cause);
	}

	@Override
	public String toString() {
		return "ChannelCallCredentials[channel=" + this.channel + ", credentials=" + this.credentials + "]";
	}

}
