package dev.triplestream.interop.dubbo;

import java.io.IOException;
import java.util.Map;

import org.apache.dubbo.common.stream.StreamObserver;
import org.apache.dubbo.config.ReferenceConfig;

import dev.triplestream.interop.v1.InteropService;
import dev.triplestream.interop.v1.Note;

/**
 * A Dubbo 3 Triple consumer of {@code InteropService} that opens one stream, driven by commands on
 * standard input.
 * <p>
 * Arguments: where the provider is, the group and the version ({@code -} for none), and optionally
 * the reference's timeout in milliseconds. Where the provider is: either its URL
 * ({@code tri://host:port}, dialled directly) or a registry address ({@code zookeeper://host:port},
 * in which the consumer looks the interface up, Dubbo's default migration step deciding between the
 * interface-level and the application-level layout). Commands: {@code open Chat|Hang
 * <label>} (a new stream; the next commands act on it), {@code send <seq> <text>}, {@code
 * half-close}, {@code cancel}. Events: {@code referred} or {@code refer-failed <message>}, then per
 * stream {@code <label> reply <seq> <text>}, {@code <label> completed}, {@code <label> error
 * <details>}, and {@code command-failed <message>}.
 */
public final class DubboConsumer {

	private static StreamObserver<Note> requests;

	private DubboConsumer() {
	}

	public static void main(String[] args) throws IOException {
		ReferenceConfig<InteropService> reference = new ReferenceConfig<>();
		reference.setInterface(InteropService.class);
		boolean registry = args[0].startsWith("zookeeper://");
		if (!registry) {
			reference.setUrl(args[0]);
		}
		// Dubbo waits 3 s by default for the server's HTTP/2 preface, too short for a cold JVM on a busy machine
		reference.setParameters(Map.of("connect.timeout", "30000"));
		if (!"-".equals(args[1])) {
			reference.setGroup(args[1]);
		}
		if (!"-".equals(args[2])) {
			reference.setVersion(args[2]);
		}
		if (args.length > 3) {
			reference.setTimeout(Integer.parseInt(args[3]));
		}
		InteropService service;
		try {
			(registry ? DubboPeerApplication.bootstrap("triplestream-dubbo-consumer", args[0])
					: DubboPeerApplication.bootstrap("triplestream-dubbo-consumer")).reference(reference).start();
			service = reference.get();
		}
		catch (RuntimeException ex) {
			PeerEvents.report("refer-failed " + String.valueOf(ex).replace('\n', ' '));
			DubboPeerApplication.serveCommands((command) -> PeerEvents.report("command-failed not referred"));
			return;
		}
		PeerEvents.report("referred");
		DubboPeerApplication.serveCommands((command) -> {
			try {
				run(service, command);
			}
			catch (RuntimeException ex) {
				PeerEvents.report("command-failed " + String.valueOf(ex).replace('\n', ' '));
			}
		});
	}

	private static void run(InteropService service, String command) {
		String[] words = command.split(" ", 3);
		switch (words[0]) {
			case "open" -> requests = "Chat".equals(words[1]) ? service.chat(new Responses(words[2]))
					: service.hang(new Responses(words[2]));
			case "send" -> requests.onNext(Note.newBuilder().setSeq(Long.parseLong(words[1])).setText(words[2]).build());
			case "half-close" -> requests.onCompleted();
			// Dubbo's client API cancels a stream through onError of the request observer
			case "cancel" -> requests.onError(new IllegalStateException("the Dubbo consumer cancels"));
			default -> PeerEvents.report("command-failed unknown " + command);
		}
	}

	/** Reports what the consumer receives; Dubbo calls it one callback at a time. */
	private static final class Responses implements StreamObserver<Note> {

		private final String label;

		Responses(String label) {
			this.label = label;
		}

		@Override
		public void onNext(Note note) {
			PeerEvents.report(this.label + " reply " + note.getSeq() + " " + note.getText());
		}

		@Override
		public void onError(Throwable error) {
			PeerEvents.report(this.label + " error " + PeerEvents.describe(error));
		}

		@Override
		public void onCompleted() {
			PeerEvents.report(this.label + " completed");
		}

	}

}
