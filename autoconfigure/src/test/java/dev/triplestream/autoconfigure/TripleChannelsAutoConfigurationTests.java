package dev.triplestream.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ConnectivityState;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

import dev.triplestream.client.ClientStreams;
import dev.triplestream.client.StreamSettings;
import dev.triplestream.client.TripleChannels;
import dev.triplestream.stream.StreamRegistry;
import dev.triplestream.test.v1.EchoRequest;
import dev.triplestream.test.v1.EchoServiceGrpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Which beans the channel auto-configuration contributes, when it backs off, and how the channel
 * beans behave over a lifecycle, against a real in-process server.
 */
@ExtendWith(OutputCaptureExtension.class)
class TripleChannelsAutoConfigurationTests {

	private final String serverName = "channels-autoconfig-" + System.nanoTime();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(StreamRegistryAutoConfiguration.class, SslAutoConfiguration.class,
				TripleChannelsAutoConfiguration.class));

	private RecordingEchoServer server;

	@BeforeEach
	void startServer() throws Exception {
		this.server = RecordingEchoServer.inProcess("in-process", this.serverName);
	}

	@AfterEach
	void stopServer() throws Exception {
		this.server.close();
	}

	private String inProcessTarget() {
		return "in-process:" + this.serverName;
	}

	@Test
	void withoutChannelsThereAreTripleChannelsAndClientStreamsButNoChannelBean() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(TripleChannels.class);
			assertThat(context).hasSingleBean(ClientStreams.class);
			assertThat(context).hasSingleBean(TripleClientProperties.class);
			assertThat(context).doesNotHaveBean(ManagedChannel.class);
			assertThat(context.getBean(TripleChannels.class).names()).isEmpty();
			assertThat(context.getBean(ClientStreams.class).registry()).isSameAs(context.getBean(StreamRegistry.class));
		});
	}

	@Test
	void oneChannelBeanPerConfiguredChannel() {
		this.runner
			.withPropertyValues("triple.client.channels.chat.target=" + inProcessTarget(),
					"triple.client.channels.orders.target=localhost:9090")
			.run((context) -> {
				assertThat(context.getBeansOfType(ManagedChannel.class)).containsOnlyKeys("tripleChannel.chat",
						"tripleChannel.orders");
				TripleChannels channels = context.getBean(TripleChannels.class);
				assertThat(channels.names()).containsExactly("chat", "orders");
				assertThat(context.getBean("tripleChannel.chat")).isSameAs(channels.get("chat"));
				assertThat(channels.target("orders")).isEqualTo("localhost:9090");
			});
	}

	@Test
	void userDefinedBeansWin() {
		this.runner.withUserConfiguration(UserBeans.class)
			.withPropertyValues("triple.client.channels.chat.target=" + inProcessTarget())
			.run((context) -> {
				assertThat(context).getBean(ClientStreams.class).isSameAs(context.getBean("userClientStreams"));
				assertThat(context).getBean(TripleChannels.class).isSameAs(context.getBean("userChannels"));
				assertThat(context.getBean("tripleChannel.chat", ManagedChannel.class))
					.isSameAs(context.getBean("userChannels", TripleChannels.class).get("chat"));
				assertThat(context.getBean(TripleChannels.class).target("chat")).isEqualTo("user");
			});
	}

	@Test
	void userBeanOfTheSameNameReplacesTheChannelBean() {
		this.runner.withUserConfiguration(UserChannelBean.class)
			.withPropertyValues("triple.client.channels.chat.target=" + inProcessTarget())
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean("tripleChannel.chat")).isInstanceOf(ManagedChannel.class);
				assertThat(context.getBean(TripleChannels.class).isCreated("chat")).isFalse();
			});
	}

	@Test
	void channelIsInjectedByItsNameAsQualifier() {
		this.runner.withUserConfiguration(QualifiedInjection.class)
			.withPropertyValues("triple.client.channels.chat.target=" + inProcessTarget(),
					"triple.client.channels.orders.target=" + inProcessTarget())
			.run((context) -> {
				TripleChannels channels = context.getBean(TripleChannels.class);
				QualifiedInjection.Holder holder = context.getBean(QualifiedInjection.Holder.class);
				assertThat(holder.chat()).isSameAs(channels.get("chat"));
				assertThat(holder.orders()).isSameAs(channels.get("orders"));
				assertThat(holder.chat()).isNotSameAs(holder.orders());
				assertThat(EchoServiceGrpc.newBlockingStub(holder.chat())
					.echo(EchoRequest.newBuilder().setText("hi").build())
					.getText()).isEqualTo("in-process:hi");
			});
	}

	@Test
	void channelsAreCreatedOnFirstUseByDefault() {
		this.runner.withPropertyValues("triple.client.channels.chat.target=" + inProcessTarget()).run((context) -> {
			TripleChannels channels = context.getBean(TripleChannels.class);
			assertThat(channels.isRunning()).isTrue();
			assertThat(channels.isCreated("chat")).isFalse();
			ManagedChannel channel = context.getBean("tripleChannel.chat", ManagedChannel.class);
			assertThat(channels.isCreated("chat")).isTrue();
			assertThat(channel.getState(false)).isEqualTo(ConnectivityState.IDLE);
		});
	}

	@Test
	void eagerChannelsAreCreatedAndConnectedAtStartUp() {
		this.runner
			.withPropertyValues("triple.client.eager=true", "triple.client.channels.chat.target=" + inProcessTarget())
			.run((context) -> {
				TripleChannels channels = context.getBean(TripleChannels.class);
				assertThat(channels.isCreated("chat")).isTrue();
				ManagedChannel channel = channels.get("chat");
				await().atMost(Duration.ofSeconds(10)).until(() -> channel.getState(false) == ConnectivityState.READY);
			});
	}

	@Test
	void unknownChannelNameListsTheKnownOnes() {
		this.runner
			.withPropertyValues("triple.client.channels.chat.target=" + inProcessTarget(),
					"triple.client.channels.orders.target=" + inProcessTarget())
			.run((context) -> assertThatIllegalArgumentException()
				.isThrownBy(() -> context.getBean(TripleChannels.class).get("nope"))
				.withMessage("No channel is named 'nope'; the configured channels are [chat, orders]"));
	}

	@Test
	void contextCloseShutsTheChannelsDown() {
		ManagedChannel[] created = new ManagedChannel[2];
		this.runner
			.withPropertyValues("triple.client.channels.chat.target=" + inProcessTarget(),
					"triple.client.channels.orders.target=localhost:9")
			.run((context) -> {
				created[0] = context.getBean("tripleChannel.chat", ManagedChannel.class);
				created[1] = context.getBean("tripleChannel.orders", ManagedChannel.class);
				EchoServiceGrpc.newBlockingStub(created[0]).echo(EchoRequest.newBuilder().setText("x").build());
				assertThat(created[0].isShutdown()).isFalse();
			});
		assertThat(created[0].isShutdown()).isTrue();
		assertThat(created[0].isTerminated()).isTrue();
		assertThat(created[1].isShutdown()).isTrue();
	}

	@Test
	void beanFactoryDoesNotShutTheChannelDownItself() {
		this.runner.withPropertyValues("triple.client.channels.chat.target=" + inProcessTarget()).run((context) -> {
			ManagedChannel channel = context.getBean("tripleChannel.chat", ManagedChannel.class);
			// destroying the bean runs whatever destroy callback Spring registered for it: there must be none
			((DefaultListableBeanFactory) context.getBeanFactory()).destroySingleton("tripleChannel.chat");
			assertThat(channel.isShutdown()).isFalse();
			assertThat(context.getBean(TripleChannels.class).get("chat")).isSameAs(channel);
		});
	}

	@Test
	void interceptorBeansCustomizersHeadersAndTheLifecycleInterceptorAreInstalledInOrder() {
		this.runner.withUserConfiguration(OrderedInterceptors.class)
			.withPropertyValues("triple.client.channels.chat.target=" + inProcessTarget(),
					"triple.client.channels.chat.service-group=blue",
					"triple.client.channels.orders.target=" + inProcessTarget())
			.run((context) -> {
				List<String> calls = context.getBean(OrderedInterceptors.class).calls;
				ManagedChannel chat = context.getBean("tripleChannel.chat", ManagedChannel.class);
				EchoServiceGrpc.newBlockingStub(chat).echo(EchoRequest.newBuilder().setText("x").build());
				// lifecycle first, then static headers (seen by everything below), the customizer's,
				// then the beans by @Order; the customizer scoped to "orders" is absent
				assertThat(calls).containsExactly(
						"lifecycle chat in-process:" + this.serverName + " tri-service-group=null",
						"customizer-all tri-service-group=blue", "first tri-service-group=blue",
						"second tri-service-group=blue");
				calls.clear();
				ManagedChannel orders = context.getBean("tripleChannel.orders", ManagedChannel.class);
				EchoServiceGrpc.newBlockingStub(orders).echo(EchoRequest.newBuilder().setText("x").build());
				assertThat(calls).containsExactly(
						"lifecycle orders in-process:" + this.serverName + " tri-service-group=null",
						"customizer-orders tri-service-group=null", "customizer-all tri-service-group=null",
						"first tri-service-group=null", "second tri-service-group=null");
			});
	}

	@Test
	void plaintextToANonLoopbackTargetIsWarnedAbout(CapturedOutput output) {
		this.runner
			.withPropertyValues("triple.client.channels.remote.target=orders.example.com:443",
					"triple.client.channels.local.target=127.0.0.1:9090",
					"triple.client.channels.inproc.target=" + inProcessTarget())
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(output).contains("Channel 'remote' sends calls in plaintext to orders.example.com:443, "
						+ "which is not a loopback address; set triple.client.channels.remote.ssl.bundle");
				assertThat(output).doesNotContain("Channel 'local' sends calls in plaintext")
					.doesNotContain("Channel 'inproc' sends calls in plaintext");
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class UserBeans {

		@Bean
		ClientStreams userClientStreams(StreamRegistry registry) {
			return new ClientStreams(registry, java.time.Duration.ofSeconds(10), dev.triplestream.client.LeakDetection.SIMPLE);
		}

		@Bean
		TripleChannels userChannels() {
			return new TripleChannels(List.of(new dev.triplestream.client.ChannelDefinition("chat", "user",
					new StreamSettings(null, null, null, null),
					() -> io.grpc.inprocess.InProcessChannelBuilder.forName("user").build())), false, Duration.ZERO);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserChannelBean {

		@Bean(name = "tripleChannel.chat", destroyMethod = "shutdownNow")
		ManagedChannel userChat() {
			return io.grpc.inprocess.InProcessChannelBuilder.forName("user-channel").build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class QualifiedInjection {

		record Holder(ManagedChannel chat, ManagedChannel orders) {
		}

		@Bean
		Holder holder(@Qualifier("chat") ManagedChannel chat, @Qualifier("orders") ManagedChannel orders) {
			return new Holder(chat, orders);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OrderedInterceptors {

		private static final Metadata.Key<String> GROUP = Metadata.Key.of("tri-service-group",
				Metadata.ASCII_STRING_MARSHALLER);

		final List<String> calls = new CopyOnWriteArrayList<>();

		/** Records its place in the chain and the service-group header the call carries by then. */
		ClientInterceptor recording(String label) {
			return new ClientInterceptor() {
				@Override
				public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options,
						Channel next) {
					return new SimpleForwardingClientCall<>(next.newCall(method, options)) {
						@Override
						public void start(Listener<R> listener, Metadata headers) {
							OrderedInterceptors.this.calls.add(label + " tri-service-group=" + headers.get(GROUP));
							super.start(listener, headers);
						}
					};
				}
			};
		}

		@Bean
		@Order(2)
		ClientInterceptor second() {
			return recording("second");
		}

		@Bean
		@Order(1)
		ClientInterceptor first() {
			return recording("first");
		}

		@Bean
		@Order(1)
		TripleChannelBuilderCustomizer forEveryChannel() {
			return (name, builder) -> builder.intercept(recording("customizer-all"));
		}

		@Bean
		@Order(2)
		TripleChannelBuilderCustomizer forOrdersOnly() {
			return (name, builder) -> {
				if (name.equals("orders")) {
					builder.intercept(recording("customizer-orders"));
				}
			};
		}

		/** Stands in for the lifecycle interceptor, to prove it is installed last and so runs first. */
		@Bean
		ClientStreams recordingClientStreams(StreamRegistry registry) {
			return new ClientStreams(registry, java.time.Duration.ofSeconds(10), dev.triplestream.client.LeakDetection.SIMPLE) {
				@Override
				public ClientInterceptor interceptor(String channelName, String target, StreamSettings settings) {
					ClientInterceptor delegate = recording("lifecycle " + channelName + " " + target);
					return new ClientInterceptor() {
						@Override
						public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method,
								CallOptions options, Channel next) {
							return delegate.interceptCall(method, options, next);
						}
					};
				}
			};
		}

	}

}
