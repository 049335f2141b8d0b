package dev.jmdm.server.http;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.StatusCodes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The console's files, read from the jar ({@code /console/} on the class path) and served under {@code /ui/}. There is
 * no build step, so file names carry no content hash: every answer is {@code no-cache} with an ETag, and a browser
 * revalidates with a 304 instead of running yesterday's script against today's API. Only the files listed in
 * {@link #FILES} exist, so no path a client sends can reach anything else on the class path.
 */
public final class ConsoleAssets implements HttpHandler {
    /** The console's page may load its own files only: no inline script or style, no frames, no other origin. */
    public static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
            + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    static final String PREFIX = "/ui/";
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon");
    /** Every file of the console; a new file is added here, so a typo in a path is a 404, not a class-path lookup. */
    static final List<String> FILES = List.of("index.html", "app.js", "api.js", "pages.js", "charts.js", "ui.js", "style.css", "favicon.svg");

    private record Asset(byte[] bytes, String type, String etag) {
    }

    private final Map<String, Asset> cache = new ConcurrentHashMap<>();

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        String path = exchange.getRequestPath();
        if (path.equals("/") || path.equals("/ui")) {
            redirect(exchange, PREFIX);
            return;
        }
        String name = path.substring(PREFIX.length());
        if (name.isEmpty()) {
            name = "index.html";
        }
        if (!FILES.contains(name)) {
            securityHeaders(exchange);
            exchange.setStatusCode(StatusCodes.NOT_FOUND);
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
            exchange.getResponseSender().send("no such console file: " + name);
            return;
        }
        Asset asset = cache.computeIfAbsent(name, ConsoleAssets::load);
        securityHeaders(exchange);
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-cache");
        exchange.getResponseHeaders().put(Headers.ETAG, asset.etag());
        String ifNoneMatch = exchange.getRequestHeaders().getFirst(Headers.IF_NONE_MATCH);
        if (asset.etag().equals(ifNoneMatch)) {
            exchange.setStatusCode(StatusCodes.NOT_MODIFIED);
            exchange.endExchange();
            return;
        }
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, asset.type());
        if (exchange.getRequestMethod().equals(io.undertow.util.Methods.HEAD)) {
            exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, asset.bytes().length);
            exchange.endExchange();
            return;
        }
        exchange.getResponseSender().send(ByteBuffer.wrap(asset.bytes()));
    }

    private static void redirect(HttpServerExchange exchange, String to) {
        securityHeaders(exchange);
        exchange.setStatusCode(StatusCodes.FOUND);
        exchange.getResponseHeaders().put(Headers.LOCATION, to);
        exchange.endExchange();
    }

    static void securityHeaders(HttpServerExchange exchange) {
        var h = exchange.getResponseHeaders();
        h.put(new HttpString("Content-Security-Policy"), CSP);
        h.put(new HttpString("X-Content-Type-Options"), "nosniff");
        h.put(new HttpString("X-Frame-Options"), "DENY");
        h.put(new HttpString("Referrer-Policy"), "no-referrer");
    }

    private static Asset load(String name) {
        try (InputStream in = ConsoleAssets.class.getResourceAsStream("/console/" + name)) {
            if (in == null) {
                throw new IllegalStateException("console file missing from the jar: " + name);
            }
            byte[] bytes = in.readAllBytes();
            String type = TYPES.getOrDefault(name.substring(name.lastIndexOf('.') + 1), "application/octet-stream");
            return new Asset(bytes, type, "\"" + HexFormat.of().formatHex(java.util.Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(bytes), 16)) + "\"");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
