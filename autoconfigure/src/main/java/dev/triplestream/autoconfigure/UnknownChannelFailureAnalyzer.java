package dev.triplestream.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

import dev.triplestream.client.UnknownChannelException;

/**
 * Explains an {@link UnknownChannelException}: which client names which channel, and the two ways
 * to fix it. Ordered before the analyzer of every other client definition problem.
 */
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class UnknownChannelFailureAnalyzer extends AbstractFailureAnalyzer<UnknownChannelException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, UnknownChannelException cause) {
		String known = cause.getKnownChannels().isEmpty() ? "none is configured"
				: "configured channels: " + String.join(", ", cause.getKnownChannels());
		return new FailureAnalysis(
				"@TripleClient " + cause.getClientInterface().getName() + " uses channel '" + cause.getChannel()
						+ "', which is not configured (" + known + ").",
				"Configure the channel with triple.client.channels." + cause.getChannel()
						+ ".target, or change @TripleClient(channel = \"" + cause.getChannel() + "\") on "
						+ cause.getClientInterface().getSimpleName() + " to a configured channel.",
				cause);
	}

}
