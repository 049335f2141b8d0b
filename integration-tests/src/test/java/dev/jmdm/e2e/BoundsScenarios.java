package dev.jmdm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jmdm.server.testing.TestDatabases;
import dev.jmdm.sim.MdmSigner;
import dev.jmdm.sim.SimulatedDevice;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Clients that send slowly or not at all, over raw sockets: the server cuts them off within MDM_HEADER_TIMEOUT,
 * MDM_BODY_TIMEOUT and MDM_IDLE_TIMEOUT (short here so the test is quick), and devices keep being served meanwhile.
 * Plus the pool and request meters on /metrics. Each engine runs the same scenarios (see the subclasses).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class BoundsScenarios {
    static final long HEADER_TIMEOUT_MS = 2_000;
    static final long BODY_TIMEOUT_MS = 3_000;
    static final long IDLE_TIMEOUT_MS = 5_000;
    /** Timers fire late on a busy two-core machine; a connection left open is what fails, not a second's lateness. */
    static final long SLACK_MS = 2_500;
    /** How long a test waits for a close before calling the connection never closed. */
    static final int NEVER_MS = 15_000;

    TestServer server;

    abstract TestDatabases.Engine engine();

    @BeforeAll
    void startServer() throws Exception {
        server = new TestServer(engine(), Files.createTempDirectory("jmdm-bounds"), Map.of(
                "MDM_HEADER_TIMEOUT", HEADER_TIMEOUT_MS / 1000 + "s", "MDM_BODY_TIMEOUT", BODY_TIMEOUT_MS / 1000 + "s",
                "MDM_IDLE_TIMEOUT", IDLE_TIMEOUT_MS / 1000 + "s", "MDM_DB_POOL", "4", "MDM_WORKERS", "16"));
    }

    @AfterAll
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", server.baseUri().getPort()), 5_000);
        s.setSoTimeout(NEVER_MS);
        return s;
    }

    private static void write(Socket s, String text) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Milliseconds from now until the server closes the connection (reads whatever it answers first). */
    private static long millisUntilClosed(Socket s, long since) throws IOException {
        InputStream in = s.getInputStream();
        try {
            while (in.read() >= 0) {
                // an answer (408) may come before the close
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server kept the connection open for " + NEVER_MS + " ms");
        } catch (IOException reset) {
            // a reset is a close too
        }
        return (System.nanoTime() - since) / 1_000_000;
    }

    @Test
    void halfARequestIsCutOffWithinTheHeaderTimeout() throws Exception {
        try (Socket s = connect()) {
            long t0 = System.nanoTime();
            write(s, "PUT /mdm HTTP/1.1\r\nHost: mdm\r\nContent-Type: application/x-apple-aspen-mdm\r\nContent-Le");
            assertThat(millisUntilClosed(s, t0)).isBetween(HEADER_TIMEOUT_MS - 500, HEADER_TIMEOUT_MS + SLACK_MS);
        }
    }

    @Test
    void aConnectionThatSendsNothingIsClosedAfterTheIdleTimeout() throws Exception {
        try (Socket s = connect()) {
            long t0 = System.nanoTime();
            assertThat(millisUntilClosed(s, t0)).isBetween(IDLE_TIMEOUT_MS - 500, IDLE_TIMEOUT_MS + SLACK_MS);
        }
        // Also after a request: the kept-alive connection is closed once idle.
        try (Socket s = connect()) {
            write(s, "GET /healthz HTTP/1.1\r\nHost: mdm\r\n\r\n");
            InputStream in = s.getInputStream();
            byte[] head = new byte[12];
            assertThat(in.readNBytes(head, 0, 12)).isEqualTo(12);
            assertThat(new String(head, StandardCharsets.ISO_8859_1)).isEqualTo("HTTP/1.1 200");
            long t0 = System.nanoTime();
            assertThat(millisUntilClosed(s, t0)).isBetween(IDLE_TIMEOUT_MS - 500, IDLE_TIMEOUT_MS + SLACK_MS);
        }
    }

    @Test
    void aBodyTrickledAByteAtATimeIsCutOffWithinTheBodyTimeout() throws Exception {
        // Under MDM_MAX_BODY (64KiB here), and over it: an oversized body is read on before its 413, under the same bound.
        try (CapturedLogs logs = new CapturedLogs()) {
            trickle(50_000);
            trickle(100_000);
            assertThat(logs.errorsAndStackTraces()).isEmpty();
        }
    }

    private void trickle(int contentLength) throws Exception {
        try (Socket s = connect()) {
            write(s, "PUT /mdm HTTP/1.1\r\nHost: mdm\r\nContent-Type: application/x-apple-aspen-mdm\r\nContent-Length: "
                    + contentLength + "\r\n\r\n");
            long t0 = System.nanoTime();
            // One byte every 300 ms: each read succeeds, only the whole-body deadline ends it.
            InputStream in = s.getInputStream();
            StringBuilder answer = new StringBuilder();
            boolean closed = false;
            while (!closed && (System.nanoTime() - t0) / 1_000_000 < NEVER_MS) {
                try {
                    write(s, "x");
                } catch (IOException reset) {
                    closed = true;
                    break;
                }
                s.setSoTimeout(300);
                try {
                    int b;
                    while ((b = in.read()) >= 0) {
                        answer.append((char) b);
                    }
                    closed = true;
                } catch (SocketTimeoutException stillOpen) {
                    // keep trickling
                } catch (IOException reset) {
                    closed = true;
                }
            }
            long took = (System.nanoTime() - t0) / 1_000_000;
            assertThat(closed).as("%d bytes: closed within %d ms", contentLength, NEVER_MS).isTrue();
            assertThat(took).as("%d bytes", contentLength).isBetween(BODY_TIMEOUT_MS - 500, BODY_TIMEOUT_MS + SLACK_MS);
            if (answer.length() > 0) {
                assertThat(answer.toString()).startsWith("HTTP/1.1 408").contains("MDM_BODY_TIMEOUT");
            }
        }
    }

    @Test
    void aBodyThatStopsIsCutOffWithinTheBodyTimeoutWithoutAServerError() throws Exception {
        try (CapturedLogs logs = new CapturedLogs(); Socket s = connect()) {
            long t0 = System.nanoTime();
            write(s, "PUT /mdm HTTP/1.1\r\nHost: mdm\r\nContent-Length: 1000\r\n\r\n<?xml version=\"1.0\"?>");
            assertThat(millisUntilClosed(s, t0)).isBetween(BODY_TIMEOUT_MS - 500, BODY_TIMEOUT_MS + SLACK_MS);
            Thread.sleep(200); // the worker logs after the close
            assertThat(logs.errorsAndStackTraces()).isEmpty();
        }
    }

    @Test
    void aDeviceIsServedWhile150SlowClientsHoldConnections() throws Exception {
        SimulatedDevice mac = server.newMac();
        mac.enroll();
        List<Socket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 150; i++) {
                Socket s = connect();
                slow.add(s);
                // Most send half their headers; some (fewer than the workers) trickle a body, which holds a worker each.
                if (i % 15 == 0) {
                    write(s, "PUT /mdm HTTP/1.1\r\nHost: mdm\r\nContent-Length: 5000\r\n\r\n<?xml");
                } else {
                    write(s, "PUT /mdm HTTP/1.1\r\nHost: mdm\r\nX-Slow: ");
                }
            }
            for (int poll = 0; poll < 3; poll++) {
                long t0 = System.nanoTime();
                assertThat(mac.channel().idle().status()).isEqualTo(200);
                assertThat((System.nanoTime() - t0) / 1_000_000).as("poll %d while 150 clients dawdle", poll).isLessThan(2_000);
            }
            // And the dawdlers are gone once the header and body timeouts have passed.
            long t0 = System.nanoTime();
            for (Socket s : slow) {
                assertThat(millisUntilClosed(s, t0)).isLessThan(Math.max(HEADER_TIMEOUT_MS, BODY_TIMEOUT_MS) + SLACK_MS + 1_000);
            }
        } finally {
            for (Socket s : slow) {
                s.close();
            }
        }
    }

    @Test
    void metricsShowPoolWaitRequestLatencyByRouteClassAndActiveRequests() throws Exception {
        SimulatedDevice mac = server.newMac();
        mac.enroll();
        mac.channel().idle();
        server.admin.enrollments("limit=1");
        String metrics = server.admin.send("GET", "/metrics", null).body();
        assertThat(metrics)
                .containsPattern("hikaricp_connections_max\\{pool=\"mdm-store\"} 4\\.0")
                .containsPattern("hikaricp_connections_acquire_seconds_count\\{pool=\"mdm-store\"} [1-9]")
                .containsPattern("hikaricp_connections_pending\\{pool=\"mdm-store\"}")
                .containsPattern("mdm_http_requests_seconds_count\\{route=\"device\",status=\"2xx\"} [1-9]")
                .containsPattern("mdm_http_requests_seconds_count\\{route=\"admin\",status=\"2xx\"} [1-9]")
                // The scrape itself is in flight while it is written.
                .containsPattern("mdm_http_active_requests [1-9]");
        // A signed body that is refused is timed under its class and status class too.
        byte[] bad = "<plist><dict/></plist>".getBytes(StandardCharsets.UTF_8);
        java.net.http.HttpResponse<String> r = server.http.send(java.net.http.HttpRequest.newBuilder(server.baseUri().resolve("/mdm"))
                .header("Mdm-Signature", new MdmSigner(mac.identity(), MdmSigner.Encoding.BER).sign(bad))
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofByteArray(bad)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(server.admin.send("GET", "/metrics", null).body())
                .containsPattern("mdm_http_requests_seconds_count\\{route=\"device\",status=\"4xx\"} [1-9]");
    }
}
