package dev.jmdm.server.console;

import dev.jmdm.server.http.Json;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.sse.ServerSentEventConnection;
import io.undertow.server.handlers.sse.ServerSentEventHandler;
import io.undertow.util.SameThreadExecutor;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code GET /v1/stream}: server-sent events for the console (command answers, which also move profile rollouts), so
 * pages update without reloading. Registered through the API router, so the same sign-in or key guards it. A stream
 * holds no worker thread (Undertow writes events from its I/O threads), at most {@link #MAX_SUBSCRIBERS} are open at
 * once (the next one is refused with 503), each gets a comment every {@link #HEARTBEAT_MS} so proxies and browsers
 * see a live connection, and a subscriber too slow to take its events is dropped rather than buffered without bound.
 *
 * <p>A stream that reconnects (EventSource sends {@code Last-Event-ID} by itself; the console's own retry after an HTTP
 * error passes {@code ?last_event_id=}) is first sent the events it missed, from the last {@link #REPLAY} kept in
 * memory. When they are no longer there (too many since, or the id is from before this server started, or from
 * another server) it gets one {@code reload} event instead: re-read what the page shows, then follow the stream.
 */
public final class EventStream implements HttpHandler, AutoCloseable {
    /** Open streams at most: a console tab holds one; more than this is a leak or an attack. */
    public static final int MAX_SUBSCRIBERS = 64;
    static final long HEARTBEAT_MS = 15_000;
    /** Events written to a connection and not yet sent; past it the subscriber is cut (it reconnects and reloads). */
    static final int MAX_PENDING = 256;
    /** Events kept for reconnecting streams: as many as a subscriber may have unsent, so a replay never overflows it. */
    static final int REPLAY = MAX_PENDING;

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
    /**
     * Ids are "{this process's start}-{sequence}", so an id from before a restart, or from another server behind the
     * same name, is told apart from one of ours and answered with a reload, not a wrong replay.
     */
    private final String epoch = Long.toString(System.currentTimeMillis(), 36) + Long.toString(System.nanoTime() & 0xffff, 36);
    private record Sent(long seq, String type, String data) {
    }

    /** The last {@link #REPLAY} events; with {@link #seq}, guarded by {@code this}. */
    private final ArrayDeque<Sent> recent = new ArrayDeque<>();
    private long seq;

    public EventStream() {
        this.sse = new ServerSentEventHandler((connection, lastEventId) -> {
            connection.setKeepAliveTime(HEARTBEAT_MS);
            connection.addCloseTask(c -> open.decrementAndGet());
            String since = lastEventId != null ? lastEventId : first(connection.getQueryParameters().get("last_event_id"));
            // Under the publishing lock: every event is either in the replay or sent live after it, none twice.
            synchronized (this) {
                connection.send("{}", "hello", null, null);
                if (since != null && !since.isEmpty()) {
                    catchUp(connection, since);
                }
                connection.putAttachment(PENDING, new AtomicInteger());
            }
        });
    }

    private static String first(java.util.Deque<String> values) {
        return values == null ? null : values.peekFirst();
    }

    /** The events after {@code since}, or a reload when they are gone. Holds the lock. */
    private void catchUp(ServerSentEventConnection connection, String since) {
        long last = -1;
        String prefix = epoch + "-";
        if (since.startsWith(prefix)) {
            try {
                last = Long.parseLong(since.substring(prefix.length()));
            } catch (NumberFormatException e) {
                last = -1;
            }
        }
        long oldest = recent.isEmpty() ? seq + 1 : recent.peekFirst().seq();
        if (last < 0 || last > seq || last + 1 < oldest) {
            connection.send("{\"reason\":\"events since " + (last < 0 ? "that id" : last) + " are no longer kept; re-read the page\"}",
                    "reload", id(seq), null);
            return;
        }
        for (Sent e : recent) {
            if (e.seq() > last) {
                connection.send(e.data(), e.type(), id(e.seq()), null);
            }
        }
    }

    private String id(long n) {
        return epoch + "-" + n;
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
        synchronized (this) {
            recent.addLast(new Sent(++seq, type, data));
            if (recent.size() > REPLAY) {
                recent.removeFirst();
            }
            send(type, data, id(seq));
        }
    }

    private void send(String type, String data, String id) {
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
