package dev.triplestream.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import dev.triplestream.client.TripleClientDefinitionException;

/**
 * Explains a {@link TripleClientDefinitionException}: a {@code @TripleClient} interface that cannot
 * be implemented, such as a method of an unsupported shape. (An unknown channel has an analyzer of
 * its own.)
 */
class TripleClientDefinitionFailureAnalyzer extends AbstractFailureAnalyzer<TripleClientDefinitionException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, TripleClientDefinitionException cause) {
		return new FailureAnalysis("A @TripleClient interface cannot be implemented: " + cause.getMessage(),
				"Change the @TripleClient interface's method to one of the supported shapes (request/response types"
						+ " and return types per call type, as listed in the triplestream README), or correct its"
						+ " @TripleMethod and @TripleClient attributes.",
				cause);
	}

}
