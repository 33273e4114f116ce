package dev.triplestream.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import dev.triplestream.server.TripleServerPortInUseException;

/**
 * Explains a {@link TripleServerPortInUseException}: which port, and which property moves it.
 */
class TripleServerPortInUseFailureAnalyzer extends AbstractFailureAnalyzer<TripleServerPortInUseException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, TripleServerPortInUseException cause) {
		return new FailureAnalysis("Triple server failed to start. Port " + cause.getPort() + " was already in use.",
				"Identify and stop the process that's listening on port " + cause.getPort()
						+ " or configure this application to listen on another port with triple.server.port"
						+ " (0 picks any free port).",
				cause);
	}

}
