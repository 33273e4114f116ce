package dev.triplestream.security;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.crypto.spec.SecretKeySpec;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;

import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

import dev.triplestream.test.v1.EchoRequest;
import dev.triplestream.test.v1.EchoResponse;
import dev.triplestream.test.v1.EchoServiceGrpc;

/** Real grpc-java calls with real credentials: stubs with an authorization header, HMAC-signed JWTs. */
final class Calls {

	private static final byte[] JWT_KEY = "triplestream-test-key-of-32-bytes!".getBytes(StandardCharsets.UTF_8);

	private Calls() {
	}

	static JwtDecoder jwtDecoder() {
		return NimbusJwtDecoder.withSecretKey(new SecretKeySpec(JWT_KEY, "HmacSHA256")).build();
	}

	/** A signed JWT for {@code subject} that expires at {@code expiresAt}. */
	static String jwt(String subject, Instant expiresAt) {
		try {
			JWTClaimsSet claims = new JWTClaimsSet.Builder().subject(subject)
				.issueTime(Date.from(expiresAt.minusSeconds(60)))
				.expirationTime(Date.from(expiresAt))
				.claim("scope", "chat")
				.build();
			SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
			jwt.sign(new MACSigner(JWT_KEY));
			return jwt.serialize();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	static String bearer(String token) {
		return "Bearer " + token;
	}

	static String basic(String user, String password) {
		return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
	}

	static EchoServiceGrpc.EchoServiceBlockingStub blocking(Channel channel, String authorization) {
		return EchoServiceGrpc.newBlockingStub(channel)
			.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers(authorization)))
			.withDeadlineAfter(Duration.ofSeconds(10));
	}

	static EchoServiceGrpc.EchoServiceStub async(Channel channel, String authorization) {
		return EchoServiceGrpc.newStub(channel)
			.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers(authorization)));
	}

	static Metadata headers(String authorization) {
		Metadata headers = new Metadata();
		if (authorization != null) {
			headers.put(CallAuthenticationConverter.AUTHORIZATION, authorization);
		}
		return headers;
	}

	static EchoRequest request(String text) {
		return EchoRequest.newBuilder().setText(text).build();
	}

	/** A bidi Chat call: what arrives is queued, the end is a future. */
	static final class Chat implements StreamObserver<EchoResponse> {

		private final BlockingQueue<EchoResponse> responses = new LinkedBlockingQueue<>();

		private final CompletableFuture<Status> end = new CompletableFuture<>();

		private final StreamObserver<EchoRequest> requests;

		Chat(Channel channel, String authorization) {
			this.requests = async(channel, authorization).chat(this);
		}

		void send(String text) {
			this.requests.onNext(request(text));
		}

		void halfClose() {
			this.requests.onCompleted();
		}

		EchoResponse next() throws InterruptedException {
			EchoResponse response = this.responses.poll(10, TimeUnit.SECONDS);
			if (response == null) {
				throw new AssertionError("No response within 10s; ended: " + this.end.getNow(null));
			}
			return response;
		}

		Status awaitEnd() throws Exception {
			return this.end.get(10, TimeUnit.SECONDS);
		}

		boolean isEnded() {
			return this.end.isDone();
		}

		@Override
		public void onNext(EchoResponse value) {
			this.responses.add(value);
		}

		@Override
		public void onError(Throwable error) {
			this.end.complete(Status.fromThrowable(error));
		}

		@Override
		public void onCompleted() {
			this.end.complete(Status.OK);
		}

	}

}
