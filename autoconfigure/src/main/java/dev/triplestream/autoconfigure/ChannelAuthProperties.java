package dev.triplestream.autoconfigure;

/**
 * Credentials of a channel: a static bearer token, basic credentials, a client registration of
 * Spring Security's OAuth2 client, or a {@code TripleCallCredentials} bean qualified with the
 * channel's name; at most one of them. Sent only over TLS (or in-process) unless
 * 'allow-insecure' is true. {@link #toString()} never shows a secret.
 */
public class ChannelAuthProperties {

	/**
	 * Token sent with every call as 'authorization: Bearer <token>'.
	 */
	private String bearerToken;

	/**
	 * Basic credentials sent with every call as 'authorization: Basic <base64(username:password)>'.
	 */
	private final Basic basic = new Basic();

	/**
	 * OAuth2 client credentials, obtained and refreshed through Spring Security's
	 * OAuth2AuthorizedClientManager (needs the triplestream security module and
	 * spring-security-oauth2-client).
	 */
	private final OAuth2 oauth2 = new OAuth2();

	/**
	 * Whether the channel's credentials may be sent over a plaintext connection. When false,
	 * a channel with credentials and a plaintext network target fails start-up, and a call
	 * that would send credentials over a connection without privacy fails with UNAUTHENTICATED.
	 */
	private boolean allowInsecure;

	public String getBearerToken() {
		return this.bearerToken;
	}

	public void setBearerToken(String bearerToken) {
		this.bearerToken = bearerToken;
	}

	public Basic getBasic() {
		return this.basic;
	}

	public OAuth2 getOauth2() {
		return this.oauth2;
	}

	public boolean isAllowInsecure() {
		return this.allowInsecure;
	}

	public void setAllowInsecure(boolean allowInsecure) {
		this.allowInsecure = allowInsecure;
	}

	@Override
	public String toString() {
		return "ChannelAuthProperties[bearerToken=" + masked(this.bearerToken) + ", basic=" + this.basic + ", oauth2="
				+ this.oauth2 + ", allowInsecure=" + this.allowInsecure + "]";
	}


	/**
	 * Basic credentials of a channel.
	 */
	public static class Basic {

		/**
		 * User name of the basic credentials.
		 */
		private String username;

		/**
		 * Password of the basic credentials.
		 */
		private String password;

		public String getUsername() {
			return this.username;
		}

		public void setUsername(String username) {
			this.username = username;
		}

		public String getPassword() {
			return this.password;
		}

		public void setPassword(String password) {
			this.password = password;
		}

		@Override
		public String toString() {
			return "Basic[username=" + this.username + ", password=" + masked(this.password) + "]";
		}

	}

	/**
	 * OAuth2 client credentials of a channel.
	 */
	public static class OAuth2 {

		/**
		 * Client registration (under 'spring.security.oauth2.client.registration') whose access
		 * token is sent with every call as 'authorization: Bearer <token>', obtained through the
		 * application's OAuth2AuthorizedClientManager bean and renewed by it when it expires.
		 */
		private String registrationId;

		public String getRegistrationId() {
			return this.registrationId;
		}

		public void setRegistrationId(String registrationId) {
			this.registrationId = registrationId;
		}

		@Override
		public String toString() {
			return "OAuth2[registrationId=" + this.registrationId + "]";
		}

	}

	/** Copies these settings onto {@code target}, for a channel's copy of the defaults. */
	void copyTo(ChannelAuthProperties target) {
		target.bearerToken = this.bearerToken;
		target.basic.username = this.basic.username;
		target.basic.password = this.basic.password;
		target.allowInsecure = this.allowInsecure;
		target.oauth2.registrationId = this.oauth2.registrationId;
	}

	/** How a secret is shown: never, only whether it is set. */
	static String masked(String secret) {
		return (secret != null) ? "******" : null;
	}

}
