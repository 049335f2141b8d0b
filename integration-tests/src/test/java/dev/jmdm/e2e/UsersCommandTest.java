package dev.jmdm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jmdm.server.UsersCommand;
import dev.jmdm.server.testing.TestDatabases;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code mdm-server users create-admin}: an admin written straight into the store (embedded before the server starts,
 * MariaDB beside a running one) signs in to the server; the password comes from the environment or standard input.
 */
class UsersCommandTest {
    private record Run(int code, String out, String err) {
    }

    private static Run run(Map<String, String> env, String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = UsersCommand.run(args, env, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void anAdminCreatedIntoTheEmbeddedStoreSignsInOnceTheServerStarts() throws Exception {
        Path dir = Files.createTempDirectory("jmdm-users-cli");
        Map<String, String> env = Map.of("MDM_DATA_DIR", dir.resolve("data").toString(), "MDM_ADMIN_PASSWORD", "password from the env");
        Run created = run(env, "", "create-admin", "--email", "CLI@example.com");
        assertThat(created.code()).as(created.err()).isZero();
        assertThat(created.out()).contains("created admin cli@example.com");
        Run again = run(env, "", "create-admin", "--email", "cli@example.com");
        assertThat(again.code()).isEqualTo(1);
        assertThat(again.err()).contains("exists");
        Map<String, String> noEnvPassword = Map.of("MDM_DATA_DIR", dir.resolve("data").toString());
        assertThat(run(noEnvPassword, "short\n", "create-admin", "--email", "s@example.com").code()).isEqualTo(2);
        assertThat(run(noEnvPassword, "password from standard input\n", "create-admin", "--email=stdin@example.com").code()).isZero();
        assertThat(run(noEnvPassword, "", "create-admin").code()).isEqualTo(2);
        assertThat(run(noEnvPassword, "", "delete-everyone").code()).isEqualTo(2);

        TestServer server = new TestServer(TestDatabases.Engine.EMBEDDED, dir);
        try {
            Browser b = new Browser(server.http, server.baseUri());
            assertThat(b.signIn("cli@example.com", "password from the env").json().get("user").get("role").asText()).isEqualTo("admin");
            assertThat(new Browser(server.http, server.baseUri()).signIn("stdin@example.com", "password from standard input").status())
                    .isEqualTo(200);
        } finally {
            server.stop();
        }
    }

    @Test
    void anAdminCreatedIntoMariaDbSignsInToTheRunningServer() throws Exception {
        TestServer server = new TestServer(TestDatabases.Engine.MYSQL, Files.createTempDirectory("jmdm-users-cli"));
        try {
            Map<String, String> env = new HashMap<>();
            env.put("MDM_STORAGE", "mysql");
            env.put("MDM_DSN", server.jdbcUrl());
            env.put("MDM_DATA_DIR", Files.createTempDirectory("jmdm-users-cli-data").toString());
            Run created = run(env, "a password typed at the prompt\n", "create-admin", "--email", "maria@example.com");
            assertThat(created.code()).as(created.err()).isZero();
            Browser b = new Browser(server.http, server.baseUri());
            assertThat(b.signIn("maria@example.com", "a password typed at the prompt").status()).isEqualTo(200);
        } finally {
            server.stop();
        }
    }
}
