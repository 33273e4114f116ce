package dev.triplestream.stream;

/**
 * Which end of a call a {@link TrackedStream} belongs to.
 */
public enum StreamSide {

	/** A call this application opened through a channel. */
	CLIENT,

	/** A call a peer opened on this application's server. */
	SERVER

}
