package dev.triplestream.server;

/**
 * Two service beans implement the same gRPC service: a server serves each service once.
 */
public class DuplicateServiceException extends IllegalStateException {

	private final String serviceName;

	private final String firstBean;

	private final String secondBean;

	public DuplicateServiceException(String serviceName, String firstBean, String secondBean) {
		super("Service '" + serviceName + "' is implemented by two beans, '" + firstBean + "' and '" + secondBean
				+ "': a server serves each service once, so remove one of them or exclude it from the server");
		this.serviceName = serviceName;
		this.firstBean = firstBean;
		this.secondBean = secondBean;
	}

	/** The full service name both beans implement. */
	public String getServiceName() {
		return this.serviceName;
	}

	public String getFirstBean() {
		return this.firstBean;
	}

	public String getSecondBean() {
		return this.secondBean;
	}

}
