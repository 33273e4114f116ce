package dev.triplestream.sample;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the sample's demo client.
 */
@ConfigurationProperties("sample.demo")
public class SampleDemoProperties {

	/** Whether the demo client runs at start-up. */
	private boolean enabled = true;

	/** Whether to close the application once the demo is done, showing the shutdown drain. */
	private boolean exit = false;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public boolean isExit() {
		return this.exit;
	}

	public void setExit(boolean exit) {
		this.exit = exit;
	}

}
