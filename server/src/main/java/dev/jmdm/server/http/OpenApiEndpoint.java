package dev.jmdm.server.http;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * GET /openapi.json: the OpenAPI document of the admin API, generated from the answer records and kept in the
 * server's resources (a test fails when it drifts from the code). It needs no API key: it describes the shape
 * of the API, which the source describes too, and carries no data, key or setting of this server.
 */
final class OpenApiEndpoint implements HttpHandler {
    static final String RESOURCE = "/openapi.json";
    private final byte[] document;

    OpenApiEndpoint() {
        try (InputStream in = OpenApiEndpoint.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the jar has no " + RESOURCE);
            }
            document = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        exchange.getResponseSender().send(ByteBuffer.wrap(document));
    }
}
