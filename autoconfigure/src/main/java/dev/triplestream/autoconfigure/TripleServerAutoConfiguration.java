package dev.triplestream.autoconfigure;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

import io.grpc.BindableService;
import io.grpc.ServerInterceptor;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;

import org.springframework.beans.BeanUtils;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;

import dev.triplestream.server.TripleServer;
import dev.triplestream.server.TripleServerBuilderCustomizer;
import dev.triplestream.server.TripleService;
import dev.triplestream.server.TripleServiceBean;
import dev.triplestream.stream.StreamRegistry;

/**
 * A {@link TripleServer} for the application's service beans, configured by
 * {@link TripleServerProperties}. Every {@link ServerInterceptor} bean is applied server-wide in
 * order, except those a {@link TripleService @TripleService} names for itself; every
 * {@link TripleServerBuilderCustomizer} bean is applied in order.
 */
@AutoConfiguration(after = { StreamRegistryAutoConfiguration.class, SslAutoConfiguration.class })
@ConditionalOnClass({ BindableService.class, NettyServerBuilder.class })
@ConditionalOnBean(BindableService.class)
@ConditionalOnBooleanProperty(name = "triple.server.enabled", matchIfMissing = true)
@EnableConfigurationProperties(TripleServerProperties.class)
public class TripleServerAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	public TripleServer tripleServer(TripleServerProperties properties, StreamRegistry registry,
			ListableBeanFactory beanFactory, ObjectProvider<ServerInterceptor> interceptors,
			ObjectProvider<TripleServerBuilderCustomizer> customizers, ObjectProvider<SslBundles> sslBundles) {
		TripleServerPropertiesCustomizer propertiesCustomizer = new TripleServerPropertiesCustomizer(properties);
		Set<ServerInterceptor> ownInterceptors = Collections.newSetFromMap(new IdentityHashMap<>());
		List<TripleServiceBean> services = services(beanFactory, properties.isRegisterAllBindableServices(),
				ownInterceptors);
		TripleServer server = new TripleServer(registry, services);
		server.setAddress(properties.getAddress());
		server.setPort(properties.getPort());
		server.setInProcessName(properties.getInProcessName());
		server.setGracePeriod(properties.getShutdown().getGracePeriod());
		server.setCredentials(TripleServerSslCredentials.of(properties.getSsl(), sslBundles.getIfAvailable()));
		server.setInterceptors(interceptors.orderedStream().filter((interceptor) -> !ownInterceptors.contains(interceptor))
				.toList());
		List<TripleServerBuilderCustomizer> allCustomizers = new ArrayList<>();
		allCustomizers.add(propertiesCustomizer);
		customizers.orderedStream().forEach(allCustomizers::add);
		server.setCustomizers(allCustomizers);
		return server;
	}

	/**
	 * The services to serve, in bean registration order; collects into {@code ownInterceptors} the
	 * interceptor beans that services name for themselves.
	 */
	private static List<TripleServiceBean> services(ListableBeanFactory beanFactory, boolean all,
			Set<ServerInterceptor> ownInterceptors) {
		for (String name : beanFactory.getBeanNamesForAnnotation(TripleService.class)) {
			if (!beanFactory.isTypeMatch(name, BindableService.class)) {
				throw new IllegalStateException("Bean '" + name + "' is annotated with @TripleService but is not a "
						+ "BindableService: extend the service's generated *ImplBase");
			}
		}
		List<TripleServiceBean> services = new ArrayList<>();
		for (String name : beanFactory.getBeanNamesForType(BindableService.class)) {
			TripleService annotation = beanFactory.findAnnotationOnBean(name, TripleService.class);
			if (annotation == null && !all) {
				continue;
			}
			List<ServerInterceptor> interceptors = new ArrayList<>();
			if (annotation != null) {
				for (Class<? extends ServerInterceptor> type : annotation.interceptors()) {
					ServerInterceptor bean = beanFactory.getBeanProvider(type).getIfAvailable();
					if (bean != null) {
						ownInterceptors.add(bean);
						interceptors.add(bean);
					}
					else {
						interceptors.add(BeanUtils.instantiateClass(type));
					}
				}
			}
			services.add(new TripleServiceBean(name, beanFactory.getBean(name, BindableService.class), interceptors));
		}
		return services;
	}

}
