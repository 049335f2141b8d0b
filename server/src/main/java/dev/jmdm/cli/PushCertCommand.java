package dev.jmdm.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jmdm pushcert}: the APNs push certificates. */
@Command(name = "pushcert", description = "Show or upload the APNs push certificate.", mixinStandardHelpOptions = true,
        subcommands = {PushCertCommand.Show.class, PushCertCommand.Upload.class})
final class PushCertCommand {
    static final List<Output.Column> COLUMNS = Output.columns("topic", "not_after", "warning");

    @Command(name = "list", aliases = "show", description = "Stored certificates: topic, expiry, warning.", mixinStandardHelpOptions = true)
    static final class Show extends ApiCommand {
        @Override
        public Integer call() {
            output().list(api().get("/v1/pushcert").path("push_certs"), COLUMNS);
            return 0;
        }
    }

    @Command(name = "upload", description = "Upload PEM certificate and key files, or a PKCS#12 file with --p12-password-env.",
            mixinStandardHelpOptions = true)
    static final class Upload extends ApiCommand {
        @Parameters(paramLabel = "FILE", arity = "1..2", description = "certificate.pem key.pem (or one PEM with both), or push.p12")
        List<Path> files;
        @Option(names = "--p12-password-env", paramLabel = "VAR", description = "environment variable holding the PKCS#12 password")
        String p12PasswordEnv;
        @Option(names = "--force", description = "store a certificate of a new topic although enrolled devices use another")
        boolean force;

        @Override
        public Integer call() throws IOException {
            String path = "/v1/pushcert" + (force ? "?force=1" : "");
            ApiClient.Reply r;
            if (p12PasswordEnv != null) {
                String password = env().get(p12PasswordEnv);
                if (password == null) {
                    throw new ApiException(0, "the environment variable " + p12PasswordEnv + " is not set");
                }
                r = api().call("PUT", path, Files.readAllBytes(files.get(0)), "application/x-pkcs12", "X-Pkcs12-Password", password);
            } else {
                ByteArrayOutputStream pem = new ByteArrayOutputStream();
                for (Path f : files) {
                    pem.write(Files.readAllBytes(f));
                    pem.write('\n');
                }
                r = api().call("PUT", path, pem.toByteArray(), "application/x-pem-file");
            }
            output().object(r.json(), COLUMNS);
            return 0;
        }
    }
}
