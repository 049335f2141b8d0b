package dev.jmdm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jmdm.server.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code jmdm} against an HTTPS server with a private CA: refused without {@code --cacert}, working with it; push certificate upload. */
class CliTlsTest {
    @Test
    void aPrivateCaIsTrustedOnlyWhenGivenAndThePushCertificateUploads() throws Exception {
        try (TlsStack tls = new TlsStack(TestDatabases.Engine.EMBEDDED, Map.of())) {
            Path config = Files.createTempDirectory("jmdm-cli-tls").resolve("config.yml");
            java.util.Map<String, String> env = new java.util.HashMap<>();
            env.put("JMDM_URL", tls.base().toString());
            env.put("JMDM_API_KEY", TlsStack.API_KEY);
            env.put("JMDM_CONFIG", config.toString());
            CliRunner cli = new CliRunner(env);

            CliRunner.Run untrusted = cli.run("pushcert", "list");
            assertThat(untrusted.exit()).isEqualTo(1);
            assertThat(untrusted.err()).startsWith("jmdm: cannot reach " + tls.base()).contains("SSLHandshakeException");

            String ca = tls.stack.files().caCert().toString();
            CliRunner.Run upload = cli.run("--cacert", ca, "pushcert", "upload", tls.stack.files().pushCert().toString(),
                    tls.stack.files().pushKey().toString(), "-o", "json");
            assertThat(upload.exit()).as(upload.toString()).isEqualTo(0);
            JsonNode uploaded = new ObjectMapper().readTree(upload.out());
            assertThat(uploaded.get("topic").asText()).startsWith("com.apple.mgmt.");
            CliRunner.Run list = cli.env("JMDM_CACERT", ca).run("pushcert", "list", "-o", "csv");
            assertThat(list.exit()).isEqualTo(0);
            assertThat(CliTest.csv(list.out())).singleElement()
                    .satisfies(r -> assertThat(r.get("topic")).isEqualTo(uploaded.get("topic").asText()));
        }
    }
}
