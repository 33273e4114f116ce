package dev.triplestream.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import dev.triplestream.server.DuplicateServiceException;

/**
 * Explains a {@link DuplicateServiceException}: which service, which two beans, and how to serve
 * only one.
 */
class DuplicateServiceFailureAnalyzer extends AbstractFailureAnalyzer<DuplicateServiceException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, DuplicateServiceException cause) {
		return new FailureAnalysis(
				"Triple server cannot serve service '" + cause.getServiceName() + "': beans '" + cause.getFirstBean()
						+ "' and '" + cause.getSecondBean() + "' both implement it.",
				"Remove one of the two beans, or set triple.server.register-all-bindable-services=false and annotate"
						+ " only the bean to serve with @TripleService.",
				cause);
	}

}
