package dev.jmdm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jmdm.server.testing.TestDatabases;
import java.net.http.HttpClient;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Over HTTPS (the quickstart's TLS server) the session cookie is Secure, and the session works over it. */
class AccountTlsTest {
    @Test
    void theSessionCookieIsSecureOverHttps() throws Exception {
        try (TlsStack tls = new TlsStack(TestDatabases.Engine.EMBEDDED,
                Map.of("MDM_ADMIN_EMAIL", "tls-admin@example.com", "MDM_ADMIN_PASSWORD", "a password over tls"))) {
            Browser b = new Browser(tls.client(null, HttpClient.Version.HTTP_1_1), tls.base());
            Browser.Answer a = b.signIn("tls-admin@example.com", "a password over tls");
            assertThat(a.status()).isEqualTo(200);
            assertThat(a.setCookies().get(0)).contains("; Secure").contains("; HttpOnly").contains("; SameSite=Strict");
            assertThat(b.get("/v1/session").status()).isEqualTo(200);
            assertThat(b.call("DELETE", "/v1/session", null).setCookies().get(0)).contains("; Secure").contains("Max-Age=0");
        }
    }
}
