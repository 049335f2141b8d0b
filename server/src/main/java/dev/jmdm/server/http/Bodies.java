package dev.jmdm.server.http;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.io.IOException;
import java.io.InputStream;

/** Reads request bodies with a size bound, answering 413 past it before reading it all. */
final class Bodies {
    private Bodies() {
    }

    static byte[] read(HttpServerExchange exchange, long maxBytes) throws IOException {
        String length = exchange.getRequestHeaders().getFirst(Headers.CONTENT_LENGTH);
        if (length != null) {
            try {
                if (Long.parseLong(length.trim()) > maxBytes) {
                    throw tooLarge(maxBytes);
                }
            } catch (NumberFormatException e) {
                throw new HttpError(400, "Content-Length is not a number");
            }
        }
        InputStream in = exchange.getInputStream();
        byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        if (body.length > maxBytes) {
            throw tooLarge(maxBytes);
        }
        return body;
    }

    private static HttpError tooLarge(long maxBytes) {
        return new HttpError(413, "request body is larger than " + maxBytes + " bytes (MDM_MAX_BODY)");
    }
}
