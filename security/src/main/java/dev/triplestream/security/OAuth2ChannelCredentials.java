package dev.triplestream.security;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.grpc.Metadata;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;

import dev.triplestream.client.TripleCallCredentials;

/**
 * A channel's credentials from Spring Security's OAuth2 client: before every call, the access
 * token of one client registration (typically the {@code client_credentials} grant), sent as
 * {@code authorization: Bearer <token>}. The {@link OAuth2AuthorizedClientManager} keeps the
 * authorized client and asks the token endpoint again only when the token has expired (or is about
 * to, within its provider's clock skew).
 * <p>
 * The authorization runs on the call's {@linkplain CallDetails#executor() executor}, since it may
 * block on the token endpoint; the call waits for it. Each channel authorizes as its own principal,
 * {@code triple-channel:<name>}, so that two channels of one registration share nothing but the
 * registration. Thread-safe as the manager is.
 */
public final class OAuth2ChannelCredentials implements TripleCallCredentials {

	private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization",
			Metadata.ASCII_STRING_MARSHALLER);

	private final OAuth2AuthorizedClientManager manager;

	private final String registrationId;

	private final String principal;

	/**
	 * @param manager authorizes the registration and keeps its token
	 * @param registrationId the client registration whose token is sent
	 * @param channel the channel's name, its principal's name
	 */
	public OAuth2ChannelCredentials(OAuth2AuthorizedClientManager manager, String registrationId, String channel) {
		this.manager = manager;
		this.registrationId = registrationId;
		this.principal = "triple-channel:" + channel;
	}

	@Override
	public CompletionStage<Metadata> headers(CallDetails call) {
		return CompletableFuture.supplyAsync(this::authorize, call.executor());
	}

	private Metadata authorize() {
		OAuth2AuthorizedClient client = this.manager.authorize(OAuth2AuthorizeRequest
			.withClientRegistrationId(this.registrationId)
			.principal(this.principal)
			.build());
		if (client == null || client.getAccessToken() == null) {
			throw new IllegalStateException(
					"OAuth2 client registration '" + this.registrationId + "' could not be authorized");
		}
		Metadata headers = new Metadata();
		headers.put(AUTHORIZATION, "Bearer " + client.getAccessToken().getTokenValue());
		return headers;
	}

	@Override
	public String toString() {
		return "OAuth2ChannelCredentials[registrationId=" + this.registrationId + "]";
	}

}
