package dev.triplestream.sample;

import dev.triplestream.client.BidiStream;
import dev.triplestream.client.TripleClient;
import dev.triplestream.sample.chat.v1.Tick;
import dev.triplestream.sample.chat.v1.TickRequest;

/**
 * The same service on the {@code ticker} channel, whose {@code stream-deadline} ends every stream
 * after 2 seconds.
 */
@TripleClient(channel = "ticker", service = "triplestream.sample.chat.v1.ChatService")
public interface TickerClient {

	BidiStream<TickRequest, Tick> ticks();

}
