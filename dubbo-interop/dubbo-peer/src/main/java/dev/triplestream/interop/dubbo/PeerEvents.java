package dev.triplestream.interop.dubbo;

import org.apache.dubbo.remoting.http12.exception.HttpStatusException;
import org.apache.dubbo.rpc.TriRpcStatus;

/**
 * What this process observes, as lines on standard output that the interop tests wait for. Every
 * line starts with {@value #PREFIX}, so that Dubbo's own log lines on the same stream are told
 * apart. Thread-safe: a line is written whole, from any thread.
 */
final class PeerEvents {

	static final String PREFIX = "EVENT ";

	private PeerEvents() {
	}

	static synchronized void report(String line) {
		System.out.println(PREFIX + line);
		System.out.flush();
	}

	/**
	 * Describes an error as Dubbo hands it over: the exception type, the Triple status Dubbo derives
	 * from it, the HTTP/2 code when Dubbo wraps one, and the message.
	 */
	static String describe(Throwable error) {
		TriRpcStatus status = TriRpcStatus.getStatus(error);
		StringBuilder text = new StringBuilder();
		text.append("status=").append(status.code);
		text.append(" type=").append(error.getClass().getSimpleName());
		if (error instanceof HttpStatusException) {
			text.append(" code=").append(((HttpStatusException) error).getStatusCode());
		}
		text.append(" description=").append(status.description != null ? status.description : error.getMessage());
		return text.toString().replace('\n', ' ');
	}

}
