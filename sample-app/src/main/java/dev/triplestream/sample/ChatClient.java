package dev.triplestream.sample;

import dev.triplestream.client.BidiStream;
import dev.triplestream.client.TripleClient;
import dev.triplestream.sample.chat.v1.ChatMessage;
import dev.triplestream.sample.chat.v1.Tick;
import dev.triplestream.sample.chat.v1.TickRequest;

/**
 * The demo's client of {@code ChatService}, on the {@code chat} channel. No generated stub: the
 * starter implements this interface.
 */
@TripleClient(channel = "chat", service = "triplestream.sample.chat.v1.ChatService")
public interface ChatClient {

	BidiStream<ChatMessage, ChatMessage> chat();

	BidiStream<TickRequest, Tick> ticks();

}
