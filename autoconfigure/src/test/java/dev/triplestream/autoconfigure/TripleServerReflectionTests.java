package dev.triplestream.autoconfigure;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Server reflection ({@code grpc.reflection.v1}) through a real reflection client, as
 * {@code grpcurl list} uses it: off by default, on with {@code triple.server.reflection.enabled}.
 */
class TripleServerReflectionTests {

	private final String name = "reflection-" + UUID.randomUUID();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(StreamRegistryAutoConfiguration.class,
				TripleServerAutoConfiguration.class))
		.withBean(TripleServerAutoConfigurationTests.EchoService.class, TripleServerAutoConfigurationTests.EchoService::new)
		.withPropertyValues("triple.server.port=-1", "triple.server.in-process-name=" + this.name);

	@Test
	void reflectionListsTheServicesWhenEnabled() {
		this.runner.withPropertyValues("triple.server.reflection.enabled=true")
			.run((context) -> assertThat(listServices()).containsExactlyInAnyOrder("triplestream.test.v1.EchoService",
					"grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection"));
	}

	@Test
	void reflectionIsOffByDefault() {
		this.runner.run((context) -> {
			CompletableFuture<List<String>> services = new CompletableFuture<>();
			ManagedChannel channel = InProcessChannelBuilder.forName(this.name).build();
			try {
				list(channel, services);
				assertThat(services).failsWithin(10, TimeUnit.SECONDS)
					.withThrowableOfType(java.util.concurrent.ExecutionException.class)
					.satisfies((ex) -> assertThat(Status.fromThrowable(ex.getCause()).getCode())
						.isEqualTo(Status.Code.UNIMPLEMENTED));
			}
			finally {
				channel.shutdownNow();
			}
		});
	}

	private List<String> listServices() throws Exception {
		ManagedChannel channel = InProcessChannelBuilder.forName(this.name).build();
		try {
			CompletableFuture<List<String>> services = new CompletableFuture<>();
			list(channel, services);
			return services.get(10, TimeUnit.SECONDS);
		}
		finally {
			channel.shutdownNow();
		}
	}

	private static void list(ManagedChannel channel, CompletableFuture<List<String>> services) {
		StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel)
			.serverReflectionInfo(new StreamObserver<>() {

				@Override
				public void onNext(ServerReflectionResponse response) {
					services.complete(response.getListServicesResponse()
						.getServiceList()
						.stream()
						.map(ServiceResponse::getName)
						.toList());
				}

				@Override
				public void onError(Throwable error) {
					services.completeExceptionally(error);
				}

				@Override
				public void onCompleted() {
				}

			});
		requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
		requests.onCompleted();
	}

}
