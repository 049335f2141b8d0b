package dev.jmdm.server.console;

import dev.jmdm.server.http.Json;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.sse.ServerSentEventConnection;
import io.undertow.server.handlers.sse.ServerSentEventHandler;
import io.undertow.util.SameThreadExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code GET /v1/stream}: server-sent events for the console (command answers, which also move profile rollouts), so
 * pages update without reloading. Registered through the API router, so the same sign-in or key guards it. A stream
 * holds no worker thread (Undertow writes events from its I/O threads), at most {@link #MAX_SUBSCRIBERS} are open at
 * once (the next one is refused with 503), each gets a comment every {@link #HEARTBEAT_MS} so proxies and browsers
 * see a live connection, and a subscriber too slow to take its events is dropped rather than buffered without bound.
 */
public final class EventStream implements HttpHandler, AutoCloseable {
    /** Open streams at most: a console tab holds one; more than this is a leak or an attack. */
    public static final int MAX_SUBSCRIBERS = 64;
    static final long HEARTBEAT_MS = 15_000;
    /** Events written to a connection and not yet sent; past it the subscriber is cut (it reconnects and reloads). */
    static final int MAX_PENDING = 256;

    private static final io.undertow.util.AttachmentKey<AtomicInteger> PENDING = io.undertow.util.AttachmentKey.create(AtomicInteger.class);
    /** Counts an event down when it has been written or failed. */
    private static final ServerSentEventConnection.EventCallback SENT = new ServerSentEventConnection.EventCallback() {
        @Override
        public void done(ServerSentEventConnection connection, String data, String event, String id) {
            connection.getAttachment(PENDING).decrementAndGet();
        }

        @Override
        public void failed(ServerSentEventConnection connection, String data, String event, String id, java.io.IOException e) {
            connection.getAttachment(PENDING).decrementAndGet();
        }
    };

    private final ServerSentEventHandler sse;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong ids = new AtomicLong();

    public EventStream() {
        this.sse = new ServerSentEventHandler((connection, lastEventId) -> {
            connection.putAttachment(PENDING, new AtomicInteger());
            connection.setKeepAliveTime(HEARTBEAT_MS);
            connection.addCloseTask(c -> open.decrementAndGet());
            connection.send("{}", "hello", null, null);
        });
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (open.incrementAndGet() > MAX_SUBSCRIBERS) {
            open.decrementAndGet();
            Json.error(exchange, 503, "too many open event streams (" + MAX_SUBSCRIBERS + "); close a console tab and retry");
            return;
        }
        // The router runs handlers on a worker thread in blocking mode; the stream must outlive this call, so it is
        // handed back to Undertow's own handler, which writes from the I/O thread and ends the exchange itself.
        exchange.dispatch(SameThreadExecutor.INSTANCE, () -> {
            try {
                sse.handleRequest(exchange);
            } catch (Exception e) {
                open.decrementAndGet();
                exchange.endExchange();
            }
        });
    }

    /** Subscribers now open. */
    public int subscribers() {
        return sse.getConnections().size();
    }

    /** Sends an event to every open stream; a subscriber that is this far behind is closed instead. */
    public void publish(String type, Object body) {
        String data;
        try {
            data = Json.MAPPER.writeValueAsString(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot encode event", e);
        }
        String id = Long.toString(ids.incrementAndGet());
        for (ServerSentEventConnection c : sse.getConnections()) {
            AtomicInteger pending = c.getAttachment(PENDING);
            if (!c.isOpen() || pending == null) {
                continue;
            }
            if (pending.incrementAndGet() > MAX_PENDING) {
                c.shutdown();
            } else {
                c.send(data, type, id, SENT);
            }
        }
    }

    @Override
    public void close() {
        for (ServerSentEventConnection c : sse.getConnections()) {
            c.shutdown();
        }
    }
}
