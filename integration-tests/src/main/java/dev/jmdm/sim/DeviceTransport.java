package dev.jmdm.sim;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * How simulated devices reach the server: one shared HTTP client (devices are many, sockets
 * few) and the server's MDM URL. Each request says how it proves its identity.
 */
public final class DeviceTransport {
    static final String CHECKIN_CONTENT_TYPE = "application/x-apple-aspen-mdm-checkin";

    private final HttpClient http;
    private final URI serverUrl;
    private final URI checkinUrl;
    private volatile Observer observer = (kind, nanos, status) -> { };

    /** Sees every request's kind ("checkin" or "connect"), duration and status: the benchmark's tap. */
    @FunctionalInterface
    public interface Observer {
        void request(String kind, long nanos, int status);
    }

    public DeviceTransport observe(Observer observer) {
        this.observer = observer;
        return this;
    }

    /** serverUrl is the profile's ServerURL (e.g. http://127.0.0.1:9000/mdm); check-ins go to the same URL. */
    public DeviceTransport(HttpClient http, URI serverUrl) {
        this(http, serverUrl, serverUrl);
    }

    public DeviceTransport(HttpClient http, URI serverUrl, URI checkinUrl) {
        this.http = http;
        this.serverUrl = serverUrl;
        this.checkinUrl = checkinUrl;
    }

    public static HttpClient defaultClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    }

    ServerReply checkin(byte[] body, String headerName, String headerValue) {
        return put("checkin", checkinUrl, CHECKIN_CONTENT_TYPE, body, headerName, headerValue);
    }

    ServerReply connect(byte[] body, String headerName, String headerValue) {
        return put("connect", serverUrl, "application/xml", body, headerName, headerValue);
    }

    private ServerReply put(String kind, URI uri, String contentType, byte[] body, String headerName, String headerValue) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Content-Type", contentType)
                .header("User-Agent", "jmdm-simulated-device")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body));
        if (headerName != null && headerValue != null) {
            b.header(headerName, headerValue);
        }
        try {
            long start = System.nanoTime();
            HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            observer.request(kind, System.nanoTime() - start, r.statusCode());
            return new ServerReply(r.statusCode(), r.body(), r.headers().firstValue("Content-Type").orElse(null));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("device request to " + uri + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
