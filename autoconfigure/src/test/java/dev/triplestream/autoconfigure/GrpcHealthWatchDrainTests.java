package dev.triplestream.autoconfigure;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.triplestream.stream.EndReason;
import dev.triplestream.stream.StreamRegistry;
import dev.triplestream.stream.TrackedStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A gRPC health {@code Watch} stream, as grpc clients with client-side health checking keep open on
 * every connection, is told {@code NOT_SERVING} and then ended by the shutdown drain: it must not
 * hold the server's drain until the grace period runs out.
 */
class GrpcHealthWatchDrainTests {

	private final String name = "health-watch-" + UUID.randomUUID();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(StreamRegistryAutoConfiguration.class,
				TripleServerAutoConfiguration.class))
		.withBean(TripleServerAutoConfigurationTests.EchoService.class, TripleServerAutoConfigurationTests.EchoService::new)
		.withPropertyValues("triple.server.port=-1", "triple.server.in-process-name=" + this.name,
				"triple.server.shutdown.grace-period=60s");

	@Test
	void watchStreamSeesNotServingThenEndsOkWithinTheDrain() {
		this.runner.run((context) -> {
			List<TrackedStream> ended = new CopyOnWriteArrayList<>();
			context.getBean(StreamRegistry.class).addListener(new StreamRegistry.Listener() {

				@Override
				public void opened(TrackedStream stream) {
				}

				@Override
				public void closed(TrackedStream stream) {
					ended.add(stream);
				}

			});
			ManagedChannel channel = InProcessChannelBuilder.forName(this.name).build();
			try {
				WatchObserver watch = new WatchObserver();
				HealthGrpc.newStub(channel).watch(HealthCheckRequest.getDefaultInstance(), watch);
				await().until(() -> watch.statuses.contains(ServingStatus.SERVING));

				CompletableFuture<Void> closed = CompletableFuture.runAsync(context::close);

				// a third of the grace period: the drain ended the watch, it did not wait the grace out
				assertThat(watch.end).succeedsWithin(20, TimeUnit.SECONDS)
					.satisfies((status) -> assertThat(status.getCode()).isEqualTo(Status.Code.OK));
				assertThat(watch.statuses).containsSubsequence(ServingStatus.SERVING, ServingStatus.NOT_SERVING);
				assertThat(closed).succeedsWithin(20, TimeUnit.SECONDS);
				assertThat(ended).filteredOn((stream) -> stream.fullMethodName().equals("grpc.health.v1.Health/Watch"))
					.singleElement()
					.satisfies((stream) -> assertThat(stream.endReason()).isEqualTo(EndReason.SHUTDOWN_DRAINED));
			}
			finally {
				channel.shutdownNow();
			}
		});
	}

	private static final class WatchObserver implements StreamObserver<HealthCheckResponse> {

		final List<ServingStatus> statuses = new CopyOnWriteArrayList<>();

		final CompletableFuture<Status> end = new CompletableFuture<>();

		@Override
		public void onNext(HealthCheckResponse response) {
			this.statuses.add(response.getStatus());
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
