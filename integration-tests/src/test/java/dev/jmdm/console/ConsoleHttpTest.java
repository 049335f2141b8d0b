package dev.jmdm.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jmdm.sim.AdminClient;
import dev.jmdm.sim.Commands;
import dev.jmdm.sim.demo.DemoFleet;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The console's server side without a browser: its files (types, CSP, revalidation, nothing else of the class path),
 * the redirect, the fleet summary, the event stream (auth, a device's answer arrives as an event, the subscriber bound)
 * and the enrollment link's QR code. A demo fleet of a few simulated devices stands behind it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class ConsoleHttpTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    // HTTP/1.1: one connection per stream, as browsers hold them (an h2c upgrade would multiplex them on one).
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private DemoFleet fleet;
    private URI base;

    @BeforeAll
    void start() throws Exception {
        fleet = ConsoleFleet.get();
        base = fleet.server.baseUri();
    }

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String basic() {
        return "Basic " + Base64.getEncoder().encodeToString(("nanomdm:" + fleet.apiKey).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theRootRedirectsToTheConsoleWhichIsServedWithAStrictPolicy() throws Exception {
        HttpResponse<String> root = get("/");
        assertThat(root.statusCode()).isEqualTo(302);
        assertThat(root.headers().firstValue("Location")).hasValue("/ui/");

        HttpResponse<String> index = get("/ui/");
        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(index.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        String csp = index.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertThat(csp).contains("default-src 'none'", "script-src 'self'", "frame-ancestors 'none'").doesNotContain("unsafe-inline");
        assertThat(index.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(index.body()).contains("<script type=\"module\" src=\"app.js\">", "<label for=\"signin-email\">");

        HttpResponse<String> js = get("/ui/app.js");
        assertThat(js.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
        assertThat(js.headers().firstValue("Cache-Control")).hasValue("no-cache");
        String etag = js.headers().firstValue("ETag").orElseThrow();
        assertThat(get("/ui/app.js", "If-None-Match", etag).statusCode()).isEqualTo(304);
        assertThat(get("/ui/style.css").headers().firstValue("Content-Type")).hasValue("text/css; charset=utf-8");
        assertThat(get("/ui/favicon.svg").headers().firstValue("Content-Type")).hasValue("image/svg+xml");
    }

    /** HEAD answers as GET does (status, type, length, ETag), without the body: link checkers and caches use it. */
    @Test
    void headAnswersLikeGetWithoutABody() throws Exception {
        for (String path : List.of("/ui/", "/ui/app.js", "/ui/style.css")) {
            HttpResponse<String> got = get(path);
            HttpResponse<String> head = http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(head.statusCode()).as(path).isEqualTo(200);
            assertThat(head.body()).as(path).isEmpty();
            assertThat(head.headers().firstValue("Content-Type")).as(path).isEqualTo(got.headers().firstValue("Content-Type"));
            assertThat(head.headers().firstValue("ETag")).as(path).isEqualTo(got.headers().firstValue("ETag"));
            assertThat(head.headers().firstValue("Content-Length")).as(path)
                    .hasValue(String.valueOf(got.body().getBytes(StandardCharsets.UTF_8).length));
        }
        HttpResponse<String> root = http.send(HttpRequest.newBuilder(base.resolve("/")).timeout(Duration.ofSeconds(10))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(root.statusCode()).isEqualTo(302);
        HttpResponse<String> missing = http.send(HttpRequest.newBuilder(base.resolve("/ui/nope.js")).timeout(Duration.ofSeconds(10))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(missing.statusCode()).isEqualTo(404);
    }

    @Test
    void onlyTheConsolesOwnFilesAreServed() throws Exception {
        // openapi.json sits at the root of the server's class path, beside the console's folder.
        for (String path : List.of("/ui/openapi.json", "/ui/../openapi.json", "/ui/console/app.js", "/ui/%2e%2e/openapi.json")) {
            HttpResponse<String> r = get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(404);
            assertThat(r.body()).as(path).doesNotContain("\"openapi\"");
        }
    }

    @Test
    void theDataNeedsAuthTheFilesDoNot() throws Exception {
        assertThat(get("/v1/fleet/summary").statusCode()).isEqualTo(401);
        assertThat(get("/v1/stream").statusCode()).isEqualTo(401);
        // API clients are challenged; a page's script is not (the browser would cover the sign-in page with its prompt).
        assertThat(get("/v1/fleet/summary").headers().firstValue("WWW-Authenticate")).isPresent();
        HttpResponse<String> fromPage = get("/v1/session", "Sec-Fetch-Mode", "same-origin");
        assertThat(fromPage.statusCode()).isEqualTo(401);
        assertThat(fromPage.headers().firstValue("WWW-Authenticate")).isEmpty();
        assertThat(get("/v1/stream", "X-Requested-With", "jmdm-console").headers().firstValue("WWW-Authenticate")).isEmpty();
        JsonNode summary = JSON.readTree(get("/v1/fleet/summary", "Authorization", basic()).body());
        assertThat(summary.get("hosts").asInt()).isEqualTo(fleet.devices.size());
        assertThat(summary.get("by_status").findValuesAsText("name")).containsExactly("enrolled", "pending", "unenrolled");
        assertThat(summary.get("by_status").get(0).get("hosts").asInt()).isEqualTo(fleet.devices.size());
        long macs = fleet.devices.stream().filter(d -> d.facts().platform() == dev.jmdm.sim.DeviceFacts.Platform.MACOS).count();
        assertThat(summary.get("by_platform").toString()).contains("{\"name\":\"macos\",\"hosts\":" + macs + "}");
        assertThat(summary.get("not_seen").get("days1").asInt()).isZero();
    }

    @Test
    void aDevicesAnswerArrivesOnTheStream() throws Exception {
        HttpRequest req = HttpRequest.newBuilder(base.resolve("/v1/stream")).header("Authorization", basic()).build();
        HttpResponse<java.io.InputStream> stream = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/event-stream");
        BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8));
        assertThat(lines.readLine()).isEqualTo("event:hello");
        var device = fleet.devices.get(0);
        Commands.Built cmd = Commands.of("SecurityInfo");
        AdminClient.Reply r = fleet.admin.enqueue(cmd.plist(), List.of(device.enrollmentId()), false);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        CompletableFuture<String> seen = CompletableFuture.supplyAsync(() -> {
            try {
                for (String line; (line = lines.readLine()) != null; ) {
                    if (line.startsWith("data:") && line.contains(cmd.commandUuid())) {
                        return line.substring(5);
                    }
                }
                return null;
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        JsonNode event = JSON.readTree(seen.get(30, TimeUnit.SECONDS));
        assertThat(event.get("id").asText()).isEqualTo(device.enrollmentId());
        assertThat(event.get("status").asText()).isEqualTo("Acknowledged");
        stream.body().close();
    }

    /** One server-sent event as read off the wire. */
    record Event(String type, String id, String data) {
    }

    /** Opens a stream (with a Last-Event-ID header, or the console's query form) and reads its events as they come. */
    private java.util.concurrent.BlockingQueue<Event> events(String path, String lastEventId, List<java.io.InputStream> open) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).header("Authorization", basic());
        if (lastEventId != null) {
            b.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<java.io.InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        open.add(r.body());
        java.util.concurrent.BlockingQueue<Event> queue = new java.util.concurrent.LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                String type = null;
                String id = null;
                StringBuilder data = new StringBuilder();
                for (String line; (line = lines.readLine()) != null; ) {
                    if (line.isEmpty()) {
                        if (type != null) {
                            queue.add(new Event(type, id, data.toString()));
                        }
                        type = null;
                        id = null;
                        data.setLength(0);
                    } else if (line.startsWith("event:")) {
                        type = line.substring(6);
                    } else if (line.startsWith("id:")) {
                        id = line.substring(3);
                    } else if (line.startsWith("data:")) {
                        data.append(line.substring(5));
                    }
                }
            } catch (java.io.IOException closed) {
                // the test closed it
            }
        });
        reader.setDaemon(true);
        reader.start();
        return queue;
    }

    private static Event next(java.util.concurrent.BlockingQueue<Event> queue, java.util.function.Predicate<Event> wanted) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < end) {
            Event e = queue.poll(1, TimeUnit.SECONDS);
            if (e != null && wanted.test(e)) {
                return e;
            }
        }
        throw new AssertionError("no such event within 30 s");
    }

    @Test
    void aStreamThatReconnectsIsSentTheEventsItMissedOrToldToReload() throws Exception {
        List<java.io.InputStream> open = new ArrayList<>();
        try {
            var device = fleet.devices.get(0);
            java.util.concurrent.BlockingQueue<Event> first = events("/v1/stream", null, open);
            assertThat(next(first, e -> true).type()).isEqualTo("hello");
            Commands.Built seen = Commands.of("SecurityInfo");
            assertThat(fleet.admin.enqueue(seen.plist(), List.of(device.enrollmentId()), false).status()).isEqualTo(200);
            String lastId = next(first, e -> e.data().contains(seen.commandUuid())).id();
            assertThat(lastId).isNotBlank();
            open.remove(0).close(); // the connection drops

            // While it is away another answer comes (a second stream sees it live).
            java.util.concurrent.BlockingQueue<Event> watcher = events("/v1/stream", null, open);
            Commands.Built missed = Commands.of("SecurityInfo");
            assertThat(fleet.admin.enqueue(missed.plist(), List.of(device.enrollmentId()), false).status()).isEqualTo(200);
            String missedId = next(watcher, e -> e.data().contains(missed.commandUuid())).id();

            // Back with the last id it saw: the missed event first, with its own id; the one it had is not sent again.
            java.util.concurrent.BlockingQueue<Event> back = events("/v1/stream", lastId, open);
            assertThat(next(back, e -> true).type()).isEqualTo("hello");
            Event replayed = next(back, e -> !e.type().equals("hello"));
            java.util.List<Event> all = new ArrayList<>(List.of(replayed));
            back.drainTo(all);
            assertThat(all).noneMatch(e -> e.data().contains(seen.commandUuid()));
            assertThat(all).anySatisfy(e -> {
                assertThat(e.data()).contains(missed.commandUuid());
                assertThat(e.id()).isEqualTo(missedId);
            });
            // The console's own retry (a new EventSource, which cannot set the header) passes the id in the query.
            java.util.concurrent.BlockingQueue<Event> query = events("/v1/stream?last_event_id=" + java.net.URLEncoder.encode(lastId,
                    StandardCharsets.UTF_8), null, open);
            assertThat(next(query, e -> e.data().contains(missed.commandUuid())).id()).isEqualTo(missedId);

            // An id this server never gave (before a restart, another server, or long gone): reload instead.
            java.util.concurrent.BlockingQueue<Event> stale = events("/v1/stream", "0-1", open);
            assertThat(next(stale, e -> true).type()).isEqualTo("hello");
            Event reload = next(stale, e -> true);
            assertThat(reload.type()).isEqualTo("reload");
            assertThat(reload.data()).contains("re-read the page");
            assertThat(reload.id()).as("the current id, to follow on from").isNotBlank();
        } finally {
            for (java.io.InputStream s : open) {
                s.close();
            }
        }
    }

    /** Last: the streams it leaves behind are counted until the server's next heartbeat finds them closed. */
    @Test
    @org.junit.jupiter.api.Order(Integer.MAX_VALUE)
    void streamsAreBounded() throws Exception {
        List<HttpResponse<java.io.InputStream>> open = new ArrayList<>();
        try {
            HttpRequest req = HttpRequest.newBuilder(base.resolve("/v1/stream")).header("Authorization", basic()).build();
            int refused = 0;
            for (int i = 0; i < dev.jmdm.server.console.EventStream.MAX_SUBSCRIBERS + 2; i++) {
                HttpResponse<java.io.InputStream> s = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
                open.add(s);
                if (s.statusCode() == 503) {
                    refused++;
                    assertThat(new String(s.body().readAllBytes(), StandardCharsets.UTF_8)).contains("too many open event streams");
                }
            }
            assertThat(refused).isGreaterThanOrEqualTo(2);
        } finally {
            for (var s : open) {
                s.body().close();
            }
        }
        // The console fleet is shared with the browser tests: leave the server with room for their streams. A
        // closed stream is counted until the server's next heartbeat write finds it gone.
        HttpRequest probe = HttpRequest.newBuilder(base.resolve("/v1/stream")).header("Authorization", basic()).build();
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            HttpResponse<java.io.InputStream> s = http.send(probe, HttpResponse.BodyHandlers.ofInputStream());
            s.body().close();
            if (s.statusCode() == 200 || System.nanoTime() > until) {
                assertThat(s.statusCode()).as("a stream opens again once the closed ones are noticed").isEqualTo(200);
                break;
            }
            Thread.sleep(1000);
        }
    }

    @Test
    void aNewEnrollmentLinkComesWithItsQrCode() throws Exception {
        AdminClient.Reply r = fleet.admin.send("POST", "/v1/enrollment-links", "{\"note\":\"qr\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        String svg = r.json().get("qr_svg").asText();
        assertThat(svg).startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\"").contains("<path d=\"M");
        // The listing never repeats the token, nor its QR code.
        AdminClient.Reply list = fleet.admin.send("GET", "/v1/enrollment-links", null);
        assertThat(list.body()).doesNotContain("qr_svg").doesNotContain(r.json().get("token").asText());
    }
}
