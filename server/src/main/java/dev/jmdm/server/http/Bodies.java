package dev.jmdm.server.http;

import io.undertow.server.HttpServerExchange;
import io.undertow.server.protocol.http.HttpContinue;
import io.undertow.util.Headers;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads request bodies with a size bound (MDM_MAX_BODY), counting the payload alone whether it
 * comes with a Content-Length or chunked, and answering 413 past it.
 */
final class Bodies {
    /**
     * How much of an oversized body is read and thrown away before answering 413. Closing a
     * connection with unread bytes makes the kernel send a reset, which can destroy the answer
     * before the client reads it; past this bound the client is abusive and the reset is its problem.
     */
    static final long SWALLOW_BYTES = 4L * 1024 * 1024;

    /** When the body must have arrived (System.nanoTime), set as the request starts; see {@link #startDeadline}. */
    private static final io.undertow.util.AttachmentKey<Long> DEADLINE = io.undertow.util.AttachmentKey.create(Long.class);
    private static final int CHUNK = 8192;

    private Bodies() {
    }

    /**
     * The body must arrive within the timeout from now (MDM_BODY_TIMEOUT): a client trickling a byte at a time gets
     * a 408 here; one that stops sending is cut off by {@link BodyDeadline}, which closes the connection under the read.
     */
    static void startDeadline(HttpServerExchange exchange, java.time.Duration timeout) {
        exchange.putAttachment(DEADLINE, System.nanoTime() + timeout.toNanos());
    }

    static byte[] read(HttpServerExchange exchange, long maxBytes) throws IOException {
        String length = exchange.getRequestHeaders().getFirst(Headers.CONTENT_LENGTH);
        long declared = -1;
        if (length != null) {
            try {
                declared = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                throw new HttpError(400, "Content-Length is not a number");
            }
        }
        // A client that asked to be told first (Expect: 100-continue, as curl does for large uploads) waits for
        // the interim answer before sending the body: refuse it unsent, or invite it.
        boolean waitsForContinue = HttpContinue.requiresContinueResponse(exchange);
        InputStream in = exchange.getInputStream();
        if (declared > maxBytes) {
            throw tooLarge(exchange, in, declared > maxBytes + SWALLOW_BYTES || waitsForContinue ? 0 : declared, maxBytes);
        }
        if (waitsForContinue) {
            HttpContinue.sendContinueResponseBlocking(exchange);
        }
        byte[] body = readBefore(exchange, in, (int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        if (body.length > maxBytes) {
            throw tooLarge(exchange, in, SWALLOW_BYTES, maxBytes);
        }
        return body;
    }

    /** Up to {@code limit} bytes of the body. */
    private static byte[] readBefore(HttpServerExchange exchange, InputStream in, int limit) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        byte[] chunk = new byte[CHUNK];
        int n;
        while (out.size() < limit && (n = readSome(exchange, in, chunk, Math.min(CHUNK, limit - out.size()))) >= 0) {
            out.write(chunk, 0, n);
        }
        return out.toByteArray();
    }

    /**
     * One read of the body, -1 at its end. Refused with 408, the connection closed after the answer, when the body
     * is overdue or was cut off (MDM_BODY_TIMEOUT), or the client went away.
     */
    private static int readSome(HttpServerExchange exchange, InputStream in, byte[] buffer, int length) {
        int n;
        try {
            n = in.read(buffer, 0, length);
        } catch (IOException | RuntimeException cutOff) {
            // BodyDeadline closes the connection under a blocked read; Undertow 2.4 may then report a
            // NullPointerException from its input stream rather than an IOException. Either way the body is lost.
            throw timedOut(exchange, "did not arrive within MDM_BODY_TIMEOUT, or the connection ended before it was complete");
        }
        Long deadline = exchange.getAttachment(DEADLINE);
        if (n >= 0 && deadline != null && System.nanoTime() - deadline > 0) {
            throw timedOut(exchange, "did not arrive within MDM_BODY_TIMEOUT");
        }
        return n;
    }

    private static HttpError timedOut(HttpServerExchange exchange, String why) {
        exchange.setPersistent(false);
        return new HttpError(408, "request body " + why);
    }

    /** Reads up to {@code swallow} more bytes; if the body did not end within them the connection is closed after the answer. */
    private static HttpError tooLarge(HttpServerExchange exchange, InputStream rest, long swallow, long maxBytes) {
        long skipped = 0;
        byte[] sink = new byte[CHUNK];
        int n = 0;
        while (skipped < swallow && (n = readSome(exchange, rest, sink, (int) Math.min(sink.length, swallow - skipped))) >= 0) {
            skipped += n;
        }
        if (n >= 0) {
            exchange.setPersistent(false);
        }
        return new HttpError(413, "request body is larger than " + maxBytes + " bytes (MDM_MAX_BODY)");
    }
}
