package dev.jmdm.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.SQLTransientConnectionException;
import org.jdbi.v3.core.ConnectionException;
import org.junit.jupiter.api.Test;

/** What a client sees when a handler fails, over a real Undertow listener. */
class ErrorHandlerTest {

    private static HttpResponse<String> get(HttpHandler failing) throws Exception {
        Undertow server = Undertow.builder().addHttpListener(0, "127.0.0.1")
                .setHandler(ex -> ex.dispatch(new ErrorHandler(failing))).build();
        server.start();
        try {
            int port = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/hosts")).build(),
                    HttpResponse.BodyHandlers.ofString());
        } finally {
            server.stop();
        }
    }

    @Test
    void aPoolWithNoConnectionFreeInTimeIsA503WithRetryAfterNotA500() throws Exception {
        // As JDBI hands on Hikari's timeout when every pooled connection stays busy.
        HttpResponse<String> r = get(ex -> {
            throw new ConnectionException(new SQLTransientConnectionException(
                    "mdm-store - Connection is not available, request timed out after 10000ms (total=16, active=16, idle=0, waiting=40)"));
        });
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("Retry-After")).contains("5");
        assertThat(r.body()).startsWith("{\"error\":\"the server is busy").doesNotContain("mdm-store");
    }

    @Test
    void anythingElseUnexpectedStaysA500WithoutDetails() throws Exception {
        HttpResponse<String> r = get(ex -> {
            throw new IllegalStateException("secret detail");
        });
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.body()).isEqualTo("{\"error\":\"internal server error\"}");
    }
}
