package dev.triplestream.test.autoconfigure;

import java.util.List;

import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.TestContextAnnotationUtils;

/**
 * Gives the contexts of tests annotated with {@link AutoConfigureTripleInProcess} (directly, through
 * a superclass, or through the enclosing class of a {@code @Nested} test) a
 * {@link TripleInProcessContextCustomizer}.
 */
class TripleInProcessContextCustomizerFactory implements ContextCustomizerFactory {

	@Override
	public ContextCustomizer createContextCustomizer(Class<?> testClass,
			List<ContextConfigurationAttributes> configAttributes) {
		AutoConfigureTripleInProcess annotation = TestContextAnnotationUtils.findMergedAnnotation(testClass,
				AutoConfigureTripleInProcess.class);
		return (annotation != null) ? new TripleInProcessContextCustomizer(annotation.leakDetection()) : null;
	}

}
