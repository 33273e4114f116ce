package dev.triplestream.client;

import java.io.PrintWriter;
import java.io.StringWriter;

import io.grpc.CallOptions;

/**
 * Where a call was opened, for leak reports and the streams endpoint: the client method, and with
 * paranoid leak detection the stack of the code that called it.
 */
final class OpeningSite {

	/** Carries the site from the client proxy to the lifecycle interceptor. */
	static final CallOptions.Key<OpeningSite> KEY = CallOptions.Key.create("triplestream.opening-site");

	private final String method;

	private final Throwable stack;

	OpeningSite(String method, Throwable stack) {
		this.method = method;
		this.stack = stack;
	}

	static OpeningSite of(String method, LeakDetection detection) {
		return new OpeningSite(method,
				(detection == LeakDetection.PARANOID) ? new Throwable("stream opened here") : null);
	}

	@Override
	public String toString() {
		if (this.stack == null) {
			return this.method;
		}
		StringWriter trace = new StringWriter();
		this.stack.printStackTrace(new PrintWriter(trace));
		return this.method + "\n" + trace;
	}

}
