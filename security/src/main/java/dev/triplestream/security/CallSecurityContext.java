package dev.triplestream.security;

import java.util.function.Supplier;

import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolderStrategy;

/**
 * The security context of one call, and how code runs with it: set on the current thread through
 * the {@link SecurityContextHolderStrategy} before, and the thread's previous context put back after
 * (cleared when it had none), whatever thread grpc-java, the drain or the authentication runs it on.
 * Thread-safe; the context is shared by every callback of the call.
 */
final class CallSecurityContext {

	private final SecurityContextHolderStrategy strategy;

	private final SecurityContext context;

	CallSecurityContext(SecurityContextHolderStrategy strategy, SecurityContext context) {
		this.strategy = strategy;
		this.context = context;
	}

	SecurityContext context() {
		return this.context;
	}

	<T> T call(Supplier<T> code) {
		SecurityContext previous = enter();
		try {
			return code.get();
		}
		finally {
			exit(previous);
		}
	}

	void run(Runnable code) {
		SecurityContext previous = enter();
		try {
			code.run();
		}
		finally {
			exit(previous);
		}
	}

	/** {@code code}, to run later with this context (a drain action). */
	Runnable wrap(Runnable code) {
		return () -> run(code);
	}

	private SecurityContext enter() {
		SecurityContext previous = this.strategy.getContext();
		this.strategy.setContext(this.context);
		return previous;
	}

	private void exit(SecurityContext previous) {
		if (previous == null || previous.getAuthentication() == null) {
			this.strategy.clearContext();
		}
		else {
			this.strategy.setContext(previous);
		}
	}

}
