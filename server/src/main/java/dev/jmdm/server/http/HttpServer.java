package dev.jmdm.server.http;

import dev.jmdm.server.config.Capacity;
import dev.jmdm.server.config.Version;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import io.undertow.server.RoutingHandler;
import io.undertow.server.handlers.BlockingHandler;
import io.undertow.util.Methods;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;

/** The Undertow listener and its routes. */
public final class HttpServer implements AutoCloseable {
    /** How long a stop waits for requests under way before closing the listener anyway. */
    public static final Duration STOP_DRAIN = Duration.ofSeconds(10);
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HttpServer.class);

    private final Undertow undertow;
    private final Draining inFlight;
    private java.util.List<String> adminRoutes = java.util.List.of();
    private java.util.List<String> openRoutes = java.util.List.of();

    public HttpServer(HttpWiring w) {
        DeviceHandler device = new DeviceHandler(w.checkins, w.commandService, w.identities, w.http.certHeader(), w.http.maxBodyBytes(), w.metrics);
        // false: path parameters stay out of the query parameters (a client's ?id= must not stand in for {id});
        // handlers read them from the template match (Requests.pathParam).
        HttpHandler consoleAssets = new ConsoleAssets();
        RoutingHandler routes = new RoutingHandler(false)
                .put("/mdm", blocking(device::mdm))
                .put("/mdm/checkin", blocking(device::checkin))
                .put("/mdm/connect", blocking(device::connect))
                .get("/version", ex -> Json.send(ex, 200, new AdminAnswers.ServerVersion(Version.current())))
                .get("/healthz", ex -> Json.send(ex, 200, new AdminAnswers.Health("ok")))
                .get("/openapi.json", new OpenApiEndpoint())
                // The console's files and the redirect to it: open like the sign-in page they hold; every datum is the API's.
                .get("/", consoleAssets)
                .get("/ui", consoleAssets)
                .get("/ui/*", consoleAssets)
                // HEAD as GET without the body (ConsoleAssets sends headers only), for link checkers and caches.
                .add("HEAD", "/", consoleAssets)
                .add("HEAD", "/ui", consoleAssets)
                .add("HEAD", "/ui/*", consoleAssets)
                .get("/readyz", blocking(ex -> {
                    boolean up = w.database.ping(Duration.ofSeconds(2));
                    // Expiring push certificates do not make the server unready, but operators should see them here.
                    Json.send(ex, up ? 200 : 503, new AdminAnswers.Readiness(up ? "ok" : "unavailable", up ? "ok" : "unreachable",
                            up ? w.warnings.get() : java.util.List.of()));
                }));
        if (w.enroll != null) {
            routes.get("/mdm/enroll", blocking(w.enroll)); // no API auth: users open it on their device
        }
        if (w.setupAssistant != null) {
            // No API auth: the MachineInfo's signature by an Apple-issued device identity is the authorization.
            routes.post("/mdm/enroll", blocking(w.setupAssistant));
        }
        if (w.scep != null) {
            // No API auth: devices call it while installing a profile; the one-time challenge is the authorization.
            routes.get("/scep", blocking(w.scep)).post("/scep", blocking(w.scep));
        }
        if (w.api.enabled() || w.access.hasUsers()) {
            AdminApi api = new AdminApi(w.enrollments, w.commands, w.push, w.enqueueAudit, w.http.maxBodyBytes());
            ApiRouter router = new ApiRouter(routes, w.api.keys(), w.access);
            router.put("/v1/enqueue/{ids}", api::enqueue)
                    .get("/v1/push/{ids}", api::push)
                    .get("/v1/enrollments", api::listEnrollments)
                    .get("/v1/enrollments/{id}/queue", api::queue)
                    .delete("/v1/enrollments/{id}/queue/{uuid}", api::cancel)
                    .get("/v1/commands/{uuid}", api::command)
                    .get("/metrics", ex -> {
                        ex.getResponseHeaders().put(io.undertow.util.Headers.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
                        ex.getResponseSender().send(w.metrics.scrape());
                    });
            if (w.api.migration()) {
                router.post("/migration", device::migration);
            }
            w.features.forEach(f -> f.register(router));
            adminRoutes = router.registered();
            openRoutes = router.open();
        } else {
            for (var method : java.util.List.of(Methods.GET, Methods.PUT, Methods.POST, Methods.DELETE, Methods.PATCH)) {
                routes.add(method, "/v1/*", ex -> Json.error(ex, 404,
                        "the admin API is off: set MDM_API_KEY or MDM_API_KEYS, or create a user (MDM_ADMIN_EMAIL and MDM_ADMIN_PASSWORD)"));
            }
        }
        routes.setFallbackHandler(ex -> Json.error(ex, 404, "no such endpoint: " + ex.getRequestMethod() + " " + ex.getRequestPath()));
        routes.setInvalidMethodHandler(ex -> Json.error(ex, 405, "method " + ex.getRequestMethod() + " not allowed on " + ex.getRequestPath()));

        Capacity c = w.capacity;
        inFlight = new Draining(new RequestTiming(w.metrics, new BodyDeadline(c.bodyTimeout(), new ErrorHandler(routes))));
        undertow = listener(Undertow.builder(), w)
                // Device requests block on the database: MDM_WORKERS, sized with the pool (see Capacity).
                .setWorkerThreads(c.workers())
                // A client that sends half a request (slow loris) or nothing at all is cut off; parsing headers holds
                // no worker, but every open connection costs a socket and buffers. Not XNIO's READ_TIMEOUT: it also
                // fires between requests and would cut kept-alive connections at the header timeout, not the idle one.
                .setServerOption(UndertowOptions.REQUEST_PARSE_TIMEOUT, (int) c.headerTimeout().toMillis())
                .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, (int) c.idleTimeout().toMillis())
                // Undertow's own limit (2MiB unless set) counts chunk framing too and drops the connection, with a
                // stack trace on stderr, instead of answering. Bodies.read enforces MDM_MAX_BODY on the payload alone.
                .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, -1L)
                .setServerOption(UndertowOptions.ENABLE_HTTP2, true)
                .setHandler(inFlight)
                .build();
        try {
            undertow.start();
        } catch (RuntimeException e) {
            undertow.stop();
            throw new dev.jmdm.server.config.SettingsException("MDM_LISTEN: cannot listen on " + w.http.listen().getHostString() + ":"
                    + w.http.listen().getPort() + ": " + why(e) + "; is another server on that port, or is the address not this machine's?");
        }
    }

    /** The innermost cause, said plainly: Undertow wraps the socket's own message in its exception. */
    private static String why(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root instanceof java.nio.channels.UnresolvedAddressException || root instanceof java.net.UnknownHostException) {
            return "the host name does not resolve";
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    /**
     * HTTPS (HTTP/1.1 and, through ALPN, HTTP/2) when a TLS context is given, plain HTTP otherwise. The client
     * certificate is requested, not required: devices present their identity, browsers and API clients need none.
     */
    private static Undertow.Builder listener(Undertow.Builder builder, HttpWiring w) {
        if (w.tls == null) {
            return builder.addHttpListener(w.http.listen().getPort(), w.http.listen().getHostString());
        }
        return builder.addHttpsListener(w.http.listen().getPort(), w.http.listen().getHostString(), w.tls)
                .setSocketOption(org.xnio.Options.SSL_CLIENT_AUTH_MODE, org.xnio.SslClientAuthMode.REQUESTED);
    }

    private static HttpHandler blocking(HttpHandler handler) {
        return new BlockingHandler(new ErrorHandler(handler));
    }

    /** The admin API's routes, "METHOD template" (empty when the API is off). */
    public java.util.List<String> adminRoutes() {
        return adminRoutes;
    }

    /** The admin API's routes that need no credentials (signing in), "METHOD template". */
    public java.util.List<String> openRoutes() {
        return openRoutes;
    }

    /** The bound port (useful when listening on port 0). */
    public int port() {
        return ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
    }

    /**
     * Stops taking requests (a new one gets a JSON 503 with Retry-After), lets the ones under way finish for up to {@code drain},
     * then closes the listener, which cuts whatever is still running.
     */
    public void close(Duration drain) {
        inFlight.shutdown();
        try {
            if (!inFlight.awaitShutdown(drain.toMillis())) {
                LOG.warn("requests still running after {} s are cut off", drain.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        undertow.stop();
    }

    @Override
    public void close() {
        close(STOP_DRAIN);
    }
}
