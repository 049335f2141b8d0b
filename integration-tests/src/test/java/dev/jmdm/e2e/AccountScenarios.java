package dev.jmdm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jmdm.server.testing.TestDatabases;
import dev.jmdm.sim.AdminClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Console accounts through the real server: the first admin from MDM_ADMIN_EMAIL, sessions in cookies (flags, sign-out,
 * sign-out everywhere), CSRF on every state-changing request, roles per route, lockout after failed sign-ins, users
 * managed by admins, the audit log naming the user, and API keys working as before.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AccountScenarios {
    static final String ADMIN = "admin@example.com";
    static final String ADMIN_PASSWORD = "first admin password";
    static final String PASSWORD = "a long enough password";

    TestServer server;

    abstract TestDatabases.Engine engine();

    @BeforeAll
    void start() throws Exception {
        server = new TestServer(engine(), Files.createTempDirectory("jmdm-accounts"), Map.of(
                "MDM_ADMIN_EMAIL", "Admin@Example.com", "MDM_ADMIN_PASSWORD", ADMIN_PASSWORD,
                "MDM_SIGNIN_FAILURES", "3", "MDM_SIGNIN_LOCKOUT", "2s"));
    }

    /**
     * Each test starts with no failed sign-in counted: the counts are kept in the database and per address too, and
     * every test signs in from 127.0.0.1, so together they would lock the address out for the tests that follow.
     */
    @org.junit.jupiter.api.BeforeEach
    void forgetFailedSignIns() {
        server.sql("DELETE FROM signin_throttle");
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    Browser browser() {
        return new Browser(server.http, server.baseUri());
    }

    Browser signedIn(String email, String password) {
        Browser b = browser();
        assertThat(b.signIn(email, password).status()).as("sign-in of " + email).isEqualTo(200);
        return b;
    }

    /** A new user made by the first admin; its email. */
    String user(String role) {
        String email = role + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        Browser admin = signedIn(ADMIN, ADMIN_PASSWORD);
        assertThat(admin.call("POST", "/v1/users", Map.of("email", email, "role", role, "password", PASSWORD)).status()).isEqualTo(201);
        return email;
    }

    long idOf(String email) {
        for (JsonNode u : server.admin.send("GET", "/v1/users", null).json().get("users")) {
            if (u.get("email").asText().equals(email)) {
                return u.get("id").asLong();
            }
        }
        throw new AssertionError("no user " + email);
    }

    @Test
    void theFirstAdminFromTheEnvironmentSignsInAndGetsAnHttpOnlyStrictCookie() {
        Browser b = browser();
        Browser.Answer a = b.signIn(ADMIN, ADMIN_PASSWORD);
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.json().get("user").get("email").asText()).isEqualTo(ADMIN);
        assertThat(a.json().get("user").get("role").asText()).isEqualTo("admin");
        assertThat(a.json().get("csrf_token").asText()).hasSizeGreaterThanOrEqualTo(40);
        String setCookie = a.setCookies().get(0);
        assertThat(setCookie).startsWith("jmdm_session=").contains("; HttpOnly").contains("; SameSite=Strict").contains("; Path=/")
                .as("plain HTTP: not Secure").doesNotContain("Secure");
        // the cookie's token is not what the database holds
        assertThat(server.queryString("SELECT COUNT(*) FROM user_sessions WHERE token_sha256 = ?", b.cookie)).isEqualTo("0");

        Browser.Answer current = b.get("/v1/session");
        assertThat(current.status()).isEqualTo(200);
        assertThat(current.json()).isEqualTo(a.json());
        assertThat(browser().get("/v1/session").status()).isEqualTo(401);
        assertThat(server.admin.send("GET", "/v1/session", null).status()).as("an API key has no session").isEqualTo(401);
    }

    @Test
    void wrongCredentialsAreRefusedAlikeWhetherTheUserExistsOrNot() {
        Browser.Answer wrongPassword = browser().signIn(ADMIN, "not the password at all");
        Browser.Answer noSuchUser = browser().signIn("nobody@example.com", "not the password at all");
        assertThat(wrongPassword.status()).isEqualTo(401);
        assertThat(noSuchUser.status()).isEqualTo(401);
        assertThat(wrongPassword.body()).isEqualTo(noSuchUser.body()).contains("wrong email or password");
        assertThat(wrongPassword.setCookies()).isEmpty();
        assertThat(browser().send("POST", "/v1/session", Map.of("email", ADMIN), false).status()).isEqualTo(400);
    }

    @Test
    void everyStateChangingRequestOfASessionNeedsItsCsrfTokenAndTheAuditNamesTheUser() {
        Browser b = signedIn(ADMIN, ADMIN_PASSWORD);
        Map<String, String> note = Map.of("action", "gitops.csrf-check");
        Browser.Answer none = b.send("POST", "/v1/audit", note, (String) null);
        assertThat(none.status()).isEqualTo(403);
        assertThat(none.json().get("error").asText()).contains("X-CSRF-Token");
        assertThat(b.send("POST", "/v1/audit", note, "forged-" + b.csrf).status()).isEqualTo(403);
        Browser other = signedIn(ADMIN, ADMIN_PASSWORD);
        assertThat(b.send("POST", "/v1/audit", note, other.csrf).status()).as("another session's token").isEqualTo(403);
        assertThat(b.send("DELETE", "/v1/session", null, (String) null).status()).isEqualTo(403);
        assertThat(server.admin.send("GET", "/v1/audit?action=gitops.csrf-check", null).json().get("entries")).isEmpty();

        Browser.Answer ok = b.call("POST", "/v1/audit", note);
        assertThat(ok.status()).isEqualTo(201);
        JsonNode entries = server.admin.send("GET", "/v1/audit?action=gitops.csrf-check", null).json().get("entries");
        assertThat(entries).hasSize(1);
        assertThat(entries.get(0).get("actor").asText()).isEqualTo(ADMIN);
        // reads need no token
        assertThat(b.get("/v1/hosts").status()).isEqualTo(200);
    }

    @Test
    void aViewerReadsButCannotActAndAnOperatorActsButCannotManageUsersOrSettings() {
        Browser viewer = signedIn(user("viewer"), PASSWORD);
        assertThat(viewer.get("/v1/hosts").status()).isEqualTo(200);
        assertThat(viewer.get("/v1/profiles").status()).isEqualTo(200);
        Browser.Answer refused = viewer.call("POST", "/v1/audit", Map.of("action", "gitops.viewer"));
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.json().get("error").asText()).contains("POST /v1/audit needs the operator role").contains("is viewer");
        assertThat(viewer.call("PUT", "/v1/groups/viewers", Map.of("hosts", List.of())).status()).isEqualTo(403);
        assertThat(viewer.get("/v1/users").status()).isEqualTo(403);

        Browser operator = signedIn(user("operator"), PASSWORD);
        assertThat(operator.call("PUT", "/v1/groups/operators", Map.of("hosts", List.of())).status()).isEqualTo(200);
        assertThat(operator.call("POST", "/v1/audit", Map.of("action", "gitops.operator")).status()).isEqualTo(201);
        Browser.Answer users = operator.get("/v1/users");
        assertThat(users.status()).isEqualTo(403);
        assertThat(users.json().get("error").asText()).contains("needs the admin role");
        assertThat(operator.call("POST", "/v1/users", Map.of("email", "x@example.com", "role", "admin", "password", PASSWORD)).status())
                .isEqualTo(403);
        assertThat(operator.call("PUT", "/v1/pushcert", "not a certificate").status()).isEqualTo(403);
    }

    @Test
    void signingOutEndsTheSessionAndSigningOutEverywhereEndsThemAll() {
        String email = user("viewer");
        Browser one = signedIn(email, PASSWORD);
        String oldCookie = one.cookie;
        Browser.Answer out = one.call("DELETE", "/v1/session", null);
        assertThat(out.status()).isEqualTo(200);
        assertThat(out.setCookies().get(0)).startsWith("jmdm_session=;").contains("Max-Age=0");
        one.cookie = oldCookie; // a stolen copy of the cookie is worth nothing now
        assertThat(one.get("/v1/hosts").status()).isEqualTo(401);

        Browser a = signedIn(email, PASSWORD);
        Browser b = signedIn(email, PASSWORD);
        Browser c = signedIn(email, PASSWORD);
        Browser.Answer everywhere = a.call("DELETE", "/v1/sessions", null);
        assertThat(everywhere.status()).isEqualTo(200);
        assertThat(everywhere.json().get("sessions").asInt()).isEqualTo(3);
        assertThat(a.get("/v1/hosts").status()).isEqualTo(401);
        assertThat(b.get("/v1/hosts").status()).isEqualTo(401);
        assertThat(c.get("/v1/hosts").status()).isEqualTo(401);

        Browser d = signedIn(email, PASSWORD);
        Browser admin = signedIn(ADMIN, ADMIN_PASSWORD);
        assertThat(admin.call("DELETE", "/v1/users/" + idOf(email) + "/sessions", null).json().get("sessions").asInt()).isEqualTo(1);
        assertThat(d.get("/v1/hosts").status()).isEqualTo(401);
        assertThat(admin.get("/v1/hosts").status()).isEqualTo(200);
    }

    @Test
    void adminsManageUsersButNeverRemoveTheLastAdmin() {
        Browser admin = signedIn(ADMIN, ADMIN_PASSWORD);
        String email = user("operator");
        long id = idOf(email);
        Browser operator = signedIn(email, PASSWORD);

        JsonNode shown = admin.get("/v1/users/" + id).json();
        assertThat(shown.get("email").asText()).isEqualTo(email);
        assertThat(shown.get("role").asText()).isEqualTo("operator");
        assertThat(shown.has("password_hash")).isFalse();
        assertThat(server.queryString("SELECT password_hash FROM users WHERE id = ?", id)).startsWith("$argon2id$v=19$");

        // refusals
        assertThat(admin.call("POST", "/v1/users", Map.of("email", email.toUpperCase(), "role", "viewer", "password", PASSWORD)).status())
                .isEqualTo(409);
        assertThat(admin.call("POST", "/v1/users", Map.of("email", "short@example.com", "role", "viewer", "password", "short")).status())
                .isEqualTo(400);
        assertThat(admin.call("POST", "/v1/users", Map.of("email", "r@example.com", "role", "root", "password", PASSWORD)).status())
                .isEqualTo(400);
        assertThat(admin.call("POST", "/v1/users", Map.of("email", "not-an-email", "role", "viewer", "password", PASSWORD)).status())
                .isEqualTo(400);
        assertThat(admin.call("PATCH", "/v1/users/" + id, Map.of("name", "x")).status()).isEqualTo(400);
        assertThat(admin.get("/v1/users/999999").status()).isEqualTo(404);
        long adminId = idOf(ADMIN);
        Browser.Answer demote = admin.call("PATCH", "/v1/users/" + adminId, Map.of("role", "viewer"));
        assertThat(demote.status()).isEqualTo(409);
        assertThat(demote.json().get("error").asText()).contains("last admin");
        assertThat(admin.call("DELETE", "/v1/users/" + adminId, null).status()).isEqualTo(409);

        // a demotion applies to the live session at once
        assertThat(admin.call("PATCH", "/v1/users/" + id, Map.of("role", "viewer")).json().get("role").asText()).isEqualTo("viewer");
        assertThat(operator.call("POST", "/v1/audit", Map.of("action", "gitops.demoted")).status()).isEqualTo(403);
        // a new password ends the user's sessions; the new one works, the old one does not
        assertThat(admin.call("PATCH", "/v1/users/" + id, Map.of("password", "a brand new password")).status()).isEqualTo(200);
        assertThat(operator.get("/v1/hosts").status()).isEqualTo(401);
        assertThat(browser().signIn(email, PASSWORD).status()).isEqualTo(401);
        Browser again = signedIn(email, "a brand new password");
        // the audit log names the admin and the user, never the password
        JsonNode created = audit("users.create", email);
        assertThat(created.get("actor").asText()).isEqualTo(ADMIN);
        assertThat(created.get("detail").get("role").asText()).isEqualTo("operator");
        JsonNode updated = server.admin.send("GET", "/v1/audit?action=users.update", null).json().get("entries");
        assertThat(updated.toString()).contains(email).contains("\"password\":\"changed\"").doesNotContain("a brand new password")
                .doesNotContain("argon2");
        // deleting a user ends its sessions
        assertThat(admin.call("DELETE", "/v1/users/" + id, null).status()).isEqualTo(200);
        assertThat(again.get("/v1/hosts").status()).isEqualTo(401);
        assertThat(admin.get("/v1/users/" + id).status()).isEqualTo(404);
        assertThat(audit("users.delete", email).get("actor").asText()).isEqualTo(ADMIN);
    }

    JsonNode audit(String action, String target) {
        for (JsonNode e : server.admin.send("GET", "/v1/audit?action=" + action, null).json().get("entries")) {
            if (target.equals(e.path("target").asText())) {
                return e;
            }
        }
        throw new AssertionError("no " + action + " entry for " + target);
    }

    @Test
    void repeatedFailuresLockTheAccountOutEvenForTheRightPasswordUntilTheLockoutEnds() throws Exception {
        String email = user("viewer");
        for (int i = 0; i < 3; i++) {
            assertThat(browser().signIn(email, "wrong password " + i).status()).isEqualTo(401);
        }
        Browser.Answer locked = browser().signIn(email, PASSWORD);
        assertThat(locked.status()).isEqualTo(429);
        assertThat(locked.headers().get("retry-after")).singleElement().satisfies(s -> assertThat(Integer.parseInt(s)).isBetween(1, 2));
        assertThat(locked.setCookies()).isEmpty();
        // unknown emails lock out the same way, so a lockout does not tell who exists
        String nobody = "nobody-" + UUID.randomUUID() + "@example.com";
        for (int i = 0; i < 3; i++) {
            browser().signIn(nobody, "wrong password " + i);
        }
        assertThat(browser().signIn(nobody, "wrong password").status()).isEqualTo(429);

        Thread.sleep(2_100);
        assertThat(browser().signIn(email, PASSWORD).status()).isEqualTo(200);
    }

    @Test
    void signInsAndSignOutsAreAuditedNamingTheUserAndFailuresTheEmailTriedButNeverAPassword() {
        String email = user("viewer");
        String typo = "the-wrong-secret-" + UUID.randomUUID();
        assertThat(browser().signIn(email.toUpperCase(), typo).status()).isEqualTo(401);
        JsonNode failed = audit("session.sign-in-failed", email);
        assertThat(failed.get("actor").asText()).isEqualTo(email);
        assertThat(failed.get("detail").get("address").asText()).isNotEmpty();
        String nobody = "nobody-" + UUID.randomUUID() + "@example.com";
        assertThat(browser().signIn(nobody, typo).status()).isEqualTo(401);
        assertThat(audit("session.sign-in-failed", nobody).get("actor").asText()).isEqualTo(nobody);

        Browser one = signedIn(email, PASSWORD);
        assertThat(audit("session.sign-in", email).get("actor").asText()).isEqualTo(email);
        assertThat(one.call("DELETE", "/v1/session", null).status()).isEqualTo(200);
        assertThat(audit("session.sign-out", email).get("actor").asText()).isEqualTo(email);
        Browser two = signedIn(email, PASSWORD);
        signedIn(email, PASSWORD);
        assertThat(two.call("DELETE", "/v1/sessions", null).status()).isEqualTo(200);
        JsonNode everywhere = audit("session.sign-out-everywhere", email);
        assertThat(everywhere.get("actor").asText()).isEqualTo(email);
        assertThat(everywhere.get("detail").get("sessions").asInt()).isEqualTo(2);
        String all = server.admin.send("GET", "/v1/audit?actor=" + email + "&limit=100", null).body()
                + server.admin.send("GET", "/v1/audit?actor=" + nobody, null).body();
        assertThat(all).doesNotContain(typo).doesNotContain(PASSWORD);
    }

    @Test
    void aUserChangesItsOwnPasswordWithTheCurrentOneAndItsOtherSessionsEnd() {
        String email = user("viewer");
        Browser here = signedIn(email, PASSWORD);
        Browser elsewhere = signedIn(email, PASSWORD);
        String route = "/v1/session/password";
        String next = "a completely new password";
        assertThat(here.send("PUT", route, Map.of("current_password", PASSWORD, "new_password", next), false).status())
                .as("no CSRF token").isEqualTo(403);
        Browser.Answer wrong = here.call("PUT", route, Map.of("current_password", "not the current one", "new_password", next));
        assertThat(wrong.status()).isEqualTo(403);
        assertThat(wrong.json().get("error").asText()).contains("current password");
        assertThat(here.call("PUT", route, Map.of("current_password", PASSWORD, "new_password", "short")).status()).isEqualTo(400);
        assertThat(here.call("PUT", route, Map.of("current_password", PASSWORD)).status()).isEqualTo(400);
        assertThat(server.admin.send("PUT", route, "{\"current_password\":\"x\",\"new_password\":\"yyyyyyyyyyyyyyyy\"}".getBytes())
                .status()).as("an API key has no password of its own").isEqualTo(401);
        assertThat(elsewhere.get("/v1/hosts").status()).as("refusals change nothing").isEqualTo(200);

        Browser.Answer changed = here.call("PUT", route, Map.of("current_password", PASSWORD, "new_password", next));
        assertThat(changed.status()).isEqualTo(200);
        assertThat(changed.json().get("sessions").asInt()).as("other sessions ended").isEqualTo(1);
        assertThat(here.get("/v1/hosts").status()).as("this browser stays signed in").isEqualTo(200);
        assertThat(elsewhere.get("/v1/hosts").status()).isEqualTo(401);
        assertThat(browser().signIn(email, PASSWORD).status()).isEqualTo(401);
        signedIn(email, next);
        JsonNode entry = audit("session.password", email);
        assertThat(entry.get("actor").asText()).isEqualTo(email);
        assertThat(entry.toString()).doesNotContain(next).doesNotContain(PASSWORD);
    }

    @Test
    void aLockoutEarnedAtOneServerHoldsAtAnotherSharingTheDatabase() throws Exception {
        // An embedded store belongs to one server; only a database server is shared.
        org.junit.jupiter.api.Assumptions.assumeTrue(engine() == TestDatabases.Engine.MYSQL, "two servers need a shared database");
        String email = user("viewer");
        TestServer second = new TestServer(server, Files.createTempDirectory("jmdm-accounts-2"));
        try {
            for (int i = 0; i < 2; i++) {
                assertThat(browser().signIn(email, "wrong password " + i).status()).isEqualTo(401);
            }
            Browser atSecond = new Browser(second.http, second.baseUri());
            assertThat(atSecond.signIn(email, "wrong password 2").status()).as("the third failure, counted with the first two")
                    .isEqualTo(401);
            assertThat(atSecond.signIn(email, PASSWORD).status()).isEqualTo(429);
            assertThat(browser().signIn(email, PASSWORD).status()).isEqualTo(429);
            Thread.sleep(2_100);
            assertThat(atSecond.signIn(email, PASSWORD).status()).isEqualTo(200);
        } finally {
            second.stop();
        }
    }

    @Test
    void apiKeysKeepWorkingForNanomdmToolsAndActAsAdmin() {
        AdminClient key = server.admin;
        assertThat(key.send("GET", "/v1/enrollments", null).status()).isEqualTo(200);
        assertThat(key.send("GET", "/v1/users", null).status()).isEqualTo(200);
        assertThat(key.send("POST", "/v1/audit", "{\"action\":\"gitops.key\"}".getBytes()).status()).as("no CSRF token for keys")
                .isEqualTo(201);
        JsonNode entries = key.send("GET", "/v1/audit?action=gitops.key", null).json().get("entries");
        assertThat(entries.get(0).get("actor").asText()).isEqualTo("nanomdm");
        AdminClient wrong = new AdminClient(server.http, server.baseUri(), "not-the-key");
        AdminClient.Reply refused = wrong.send("GET", "/v1/enrollments", null);
        assertThat(refused.status()).isEqualTo(401);

        // a wrong key is judged as a key even beside a valid cookie
        Browser b = signedIn(ADMIN, ADMIN_PASSWORD);
        HttpRequest both = HttpRequest.newBuilder(server.baseUri().resolve("/v1/enrollments"))
                .header("Cookie", "jmdm_session=" + b.cookie)
                .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString("nanomdm:wrong".getBytes())).build();
        assertThat(send(both).statusCode()).isEqualTo(401);
    }

    @Test
    void theRootRedirectsToTheConsole() {
        HttpResponse<String> r = send(HttpRequest.newBuilder(server.baseUri().resolve("/")).build());
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(r.headers().firstValue("Location")).hasValue("/ui/");
    }

    HttpResponse<String> send(HttpRequest request) {
        try {
            return server.http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
