package dev.triplestream.client;

import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.annotation.AnnotatedBeanDefinition;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.ResourceLoaderAware;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.util.ClassUtils;

/**
 * Defines a bean for each {@link TripleClient} interface named by {@link EnableTripleClients}, or,
 * as the base of the auto-configured registrar, found in the application's packages.
 * <p>
 * Each interface is validated here, while bean definitions are registered, so that an
 * unsupported method or an unknown channel fails start-up whether or not the bean is lazy.
 */
public class TripleClientsRegistrar
		implements ImportBeanDefinitionRegistrar, EnvironmentAware, ResourceLoaderAware, BeanFactoryAware {

	private static final String CHANNELS = "triple.client.channels";

	private Environment environment;

	private ResourceLoader resourceLoader;

	private BeanFactory beanFactory;

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void setResourceLoader(ResourceLoader resourceLoader) {
		this.resourceLoader = resourceLoader;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = beanFactory;
	}

	protected BeanFactory getBeanFactory() {
		return this.beanFactory;
	}

	@Override
	public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
		Map<String, Object> attributes = metadata.getAnnotationAttributes(EnableTripleClients.class.getName());
		if (attributes == null) {
			return;
		}
		Set<String> packages = new LinkedHashSet<>(Arrays.asList((String[]) attributes.get("basePackages")));
		for (Class<?> type : (Class<?>[]) attributes.get("basePackageClasses")) {
			packages.add(ClassUtils.getPackageName(type));
		}
		Set<Class<?>> clients = new LinkedHashSet<>(Arrays.asList((Class<?>[]) attributes.get("clients")));
		if (packages.isEmpty() && clients.isEmpty()) {
			packages.add(ClassUtils.getPackageName(metadata.getClassName()));
		}
		clients.addAll(scan(packages));
		register(clients, registry);
	}

	/** Finds the {@link TripleClient} interfaces in {@code packages}. */
	protected Set<Class<?>> scan(Collection<String> packages) {
		ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false,
				this.environment) {
			@Override
			protected boolean isCandidateComponent(AnnotatedBeanDefinition definition) {
				return definition.getMetadata().isInterface() && definition.getMetadata().isIndependent();
			}
		};
		scanner.setResourceLoader(this.resourceLoader);
		scanner.addIncludeFilter(new AnnotationTypeFilter(TripleClient.class, false, true));
		Set<Class<?>> found = new LinkedHashSet<>();
		ClassLoader classLoader = (this.resourceLoader != null) ? this.resourceLoader.getClassLoader() : null;
		for (String basePackage : packages) {
			for (BeanDefinition candidate : scanner.findCandidateComponents(basePackage)) {
				found.add(ClassUtils.resolveClassName(candidate.getBeanClassName(), classLoader));
			}
		}
		return found;
	}

	/** Validates each client and registers its bean, unless a bean of that name exists. */
	protected void register(Collection<Class<?>> clients, BeanDefinitionRegistry registry) {
		Set<String> channels = null;
		for (Class<?> client : clients) {
			String beanName = client.getName();
			if (registry.containsBeanDefinition(beanName)) {
				continue;
			}
			String channel = TripleClientFactory.validate(client);
			if (channels == null) {
				channels = channelNames(this.environment);
			}
			if (!channels.contains(channel)) {
				throw new UnknownChannelException(client, channel, List.copyOf(channels));
			}
			registry.registerBeanDefinition(beanName, definition(client));
		}
	}

	private <T> RootBeanDefinition definition(Class<T> client) {
		RootBeanDefinition definition = new RootBeanDefinition(client);
		BeanFactory factory = this.beanFactory;
		definition.setInstanceSupplier(() -> factory.getBean(TripleClientFactory.class).create(client));
		return definition;
	}

	/** The names of the channels configured under {@code triple.client.channels}, sorted. */
	public static Set<String> channelNames(Environment environment) {
		// Only the names: values are bound and checked when the channels are created.
		Map<String, Object> channels = Binder.get(environment)
			.bind(CHANNELS, Bindable.mapOf(String.class, Object.class))
			.orElse(Map.of());
		return new TreeSet<>(channels.keySet());
	}

}
