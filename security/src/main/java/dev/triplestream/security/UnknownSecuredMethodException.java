package dev.triplestream.security;

import java.util.Set;

/**
 * A {@link TripleSecurity} rule names a method or service the Triple server does not serve: a
 * misspelt name would otherwise leave the intended method under the catch-all rule.
 */
public class UnknownSecuredMethodException extends IllegalStateException {

	private final TripleSecurity.Rule rule;

	private final Set<String> served;

	UnknownSecuredMethodException(TripleSecurity.Rule rule, Set<String> served) {
		super("Triple security rule " + rule + " names " + (rule.pattern().endsWith("/*") ? "a service" : "a method")
				+ " this server does not serve; it serves " + served);
		this.rule = rule;
		this.served = Set.copyOf(served);
	}

	/** The rule, as written. */
	public TripleSecurity.Rule getRule() {
		return this.rule;
	}

	/** The full names of the methods the server serves. */
	public Set<String> getServed() {
		return this.served;
	}

}
