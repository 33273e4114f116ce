package dev.triplestream.test.autoconfigure;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.test.context.ContextCustomizer;

import dev.triplestream.client.LeakDetection;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which test classes get the in-process switch, and when two of them may share a context.
 */
class TripleInProcessContextCustomizerFactoryTests {

	private final TripleInProcessContextCustomizerFactory factory = new TripleInProcessContextCustomizerFactory();

	@Test
	void testsWithoutTheAnnotationAreLeftAlone() {
		assertThat(customizer(Plain.class)).isNull();
	}

	@Test
	void theAnnotationIsFoundOnTheClassASuperclassAndAnEnclosingClass() {
		assertThat(customizer(Annotated.class)).isNotNull();
		assertThat(customizer(InheritsAnnotation.class)).isEqualTo(customizer(Annotated.class));
		assertThat(customizer(Annotated.Inner.class)).isEqualTo(customizer(Annotated.class));
	}

	@Test
	void testsShareAContextUnlessTheirLeakDetectionDiffers() {
		assertThat(customizer(Annotated.class)).isEqualTo(customizer(Lenient.class))
			.hasSameHashCodeAs(customizer(Lenient.class))
			.isNotEqualTo(customizer(SimpleLeakDetection.class));
	}

	private ContextCustomizer customizer(Class<?> testClass) {
		return this.factory.createContextCustomizer(testClass, List.of());
	}

	static class Plain {

	}

	@AutoConfigureTripleInProcess
	static class Annotated {

		class Inner {

		}

	}

	static class InheritsAnnotation extends Annotated {

	}

	@AutoConfigureTripleInProcess(failOnLeakedStreams = false)
	static class Lenient {

	}

	@AutoConfigureTripleInProcess(leakDetection = LeakDetection.SIMPLE)
	static class SimpleLeakDetection {

	}

}
