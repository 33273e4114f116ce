package dev.triplestream.interop;

import dev.triplestream.client.BidiStream;
import dev.triplestream.client.TripleClient;
import dev.triplestream.interop.v1.Note;

/**
 * The starter's clients of the Dubbo provider: one {@link TripleClient} per channel, each channel
 * selecting an export of the provider by its {@code service-group} or {@code service-version} (see
 * {@link StarterClientToDubboProviderTests} for the channels' settings).
 */
final class DubboProviderClients {

	private DubboProviderClients() {
	}

	static final String SERVICE = "dev.triplestream.interop.v1.InteropService";

	/** The calls every client makes; the channel decides which export answers. */
	interface InteropStreams {

		BidiStream<Note, Note> chat();

		BidiStream<Note, Note> hang();

	}

	/** Channel {@code dubbo}: no group, no version; {@code close-timeout} 1s. */
	@TripleClient(channel = "dubbo", service = SERVICE)
	interface DefaultExport extends InteropStreams {

	}

	/** Channel {@code dubbo-idle}: as {@code dubbo}, with an {@code idle-timeout} of 2s. */
	@TripleClient(channel = "dubbo-idle", service = SERVICE)
	interface IdleLimited extends InteropStreams {

	}

	/** Channel {@code blue}: {@code service-group=blue}. */
	@TripleClient(channel = "blue", service = SERVICE)
	interface BlueGroup extends InteropStreams {

	}

	/** Channel {@code green}: {@code service-group=green}. */
	@TripleClient(channel = "green", service = SERVICE)
	interface GreenGroup extends InteropStreams {

	}

	/** Channel {@code v1}: {@code service-version=1.0.0}. */
	@TripleClient(channel = "v1", service = SERVICE)
	interface Version1 extends InteropStreams {

	}

	/** Channel {@code v2}: {@code service-version=2.0.0}. */
	@TripleClient(channel = "v2", service = SERVICE)
	interface Version2 extends InteropStreams {

	}

	/** Channel {@code typo-group}: {@code service-group=bleu}, a group no export has. */
	@TripleClient(channel = "typo-group", service = SERVICE)
	interface TypoGroup extends InteropStreams {

	}

	/** Channel {@code typo-version}: {@code service-version=9.9.9}, a version no export has. */
	@TripleClient(channel = "typo-version", service = SERVICE)
	interface TypoVersion extends InteropStreams {

	}

}
