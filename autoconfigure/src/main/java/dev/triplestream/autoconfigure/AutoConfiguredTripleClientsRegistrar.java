package dev.triplestream.autoconfigure;

import java.util.List;

import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.core.type.AnnotationMetadata;

import dev.triplestream.client.TripleClient;
import dev.triplestream.client.TripleClientsRegistrar;

/**
 * Registers the {@link TripleClient} interfaces found in the application's auto-configuration
 * packages (those of its {@code @SpringBootApplication} class).
 */
class AutoConfiguredTripleClientsRegistrar extends TripleClientsRegistrar {

	@Override
	public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
		if (!AutoConfigurationPackages.has(getBeanFactory())) {
			return;
		}
		List<String> packages = AutoConfigurationPackages.get(getBeanFactory());
		register(scan(packages), registry);
	}

}
