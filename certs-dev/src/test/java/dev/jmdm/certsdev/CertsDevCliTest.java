package dev.jmdm.certsdev;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.ECPrivateKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The CLI run in-process, as the jar's main method runs it, with its output captured. */
class CertsDevCliTest {
    @TempDir
    Path dir;

    private record Run(int exitCode, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = CertsDev.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void initWritesTheStackAndPrintsWhatToSet() {
        Run run = run("init", "--out", dir.toString(), "--name", "mdm.test,192.0.2.7", "--name", "other.test");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).isEmpty();
        Path abs = dir.toAbsolutePath();
        assertThat(run.out())
                .contains("created  ca.pem", "created  push.p12.password")
                .contains("export MDM_CA=" + abs.resolve("device-ca.pem"))
                .contains("export MDM_TLS_CERT=" + abs.resolve("server.pem"))
                .contains("export MDM_TLS_KEY=" + abs.resolve("server.key"))
                .contains("export MDM_DEVICE_CA_CERT=" + abs.resolve("device-ca.pem"))
                .contains("export MDM_DEVICE_CA_KEY=" + abs.resolve("device-ca.key"))
                .contains("export MDM_APNS_URL=")
                .contains("export MDM_APNS_CA=" + abs.resolve("ca.pem"))
                .contains("Push topic: com.apple.mgmt.External.")
                .contains("mdm.test, 192.0.2.7, other.test");
        assertThat(dir.resolve("server.pem")).isRegularFile();
    }

    @Test
    void secondInitSaysItKeptTheFiles() {
        run("init", "--out", dir.toString());

        Run again = run("init", "--out", dir.toString());

        assertThat(again.exitCode()).isZero();
        assertThat(again.out()).contains("kept     ca.pem", "kept     push.p12").doesNotContain("created");
        assertThat(again.out()).contains("--force replaces them");
    }

    @Test
    void forceSaysItReplacedTheFiles() {
        run("init", "--out", dir.toString());

        Run forced = run("init", "--out", dir.toString(), "--force");

        assertThat(forced.exitCode()).isZero();
        assertThat(forced.out()).contains("replaced ca.pem").doesNotContain("kept");
    }

    @Test
    void issueDeviceWithoutInitFailsSayingRunInitFirst() {
        Run run = run("issue-device", "--out", dir.toString(), "--udid", "ABC");

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err()).startsWith("certs-dev: no device CA in " + dir)
                .contains("run `certs-dev init --out " + dir + "` first")
                .doesNotContain("Exception");
        assertThat(run.out()).isEmpty();
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void issueDeviceAfterInitWritesTheIdentity() throws Exception {
        run("init", "--out", dir.toString());

        Run run = run("issue-device", "--out", dir.toString(), "--udid", "SIM-42", "--key", "EC", "--days", "30");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("created  devices/SIM-42.pem", "CN=SIM-42", "devices/SIM-42.p12.password");
        assertThat(Pem.privateKey(Files.readString(dir.resolve("devices/SIM-42.key")))).isInstanceOf(ECPrivateKey.class);
        assertThat(run("issue-device", "--out", dir.toString(), "--udid", "SIM-42").out()).contains("kept");
    }

    @Test
    void inconsistentFilesFailWithOneLineOnStderr() throws Exception {
        run("init", "--out", dir.toString());
        Files.delete(dir.resolve("server.key"));

        Run run = run("init", "--out", dir.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().strip()).doesNotContain("\n").contains("server.key does not");
    }

    @Test
    void unknownKeyTypeIsAUsageError() {
        Run run = run("issue-device", "--out", dir.toString(), "--udid", "X", "--key", "dsa");

        assertThat(run.exitCode()).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(run.err()).contains("expected rsa or ec", "Usage: certs-dev issue-device");
    }

    @Test
    void missingRequiredOptionsAreUsageErrors() {
        assertThat(run("issue-device", "--out", dir.toString()).exitCode()).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(run("issue-device", "--udid", "X").err()).contains("Missing required option: '--out=DIR'");
        assertThat(run("init").exitCode()).isEqualTo(CommandLine.ExitCode.USAGE);
    }

    @Test
    void badValuesAreUsageErrorsAndWriteNothing() throws Exception {
        run("init", "--out", dir.toString());
        var before = StackFixtures.snapshot(dir);

        Run days = run("issue-device", "--out", dir.toString(), "--udid", "X", "--days", "0");
        Run notNumber = run("issue-device", "--out", dir.toString(), "--udid", "X", "--days", "many");
        Run udid = run("issue-device", "--out", dir.toString(), "--udid", "../../etc/evil");
        Run name = run("init", "--out", dir.toString(), "--name", "not a name");

        assertThat(days.exitCode()).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(days.err()).contains("--days must be between 1 and 3650");
        assertThat(notNumber.exitCode()).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(udid.exitCode()).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(udid.err()).contains("not a usable UDID");
        assertThat(name.exitCode()).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(name.err()).contains("not a DNS name or IP address");
        assertThat(StackFixtures.snapshot(dir)).isEqualTo(before);
    }

    @Test
    void outThatIsAFileIsAUsageError() throws Exception {
        Path file = Files.writeString(dir.resolve("plain-file"), "x");

        Run run = run("init", "--out", file.toString());

        assertThat(run.exitCode()).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(run.err()).contains("is not a directory");
    }

    @Test
    void noOrUnknownSubcommandIsAUsageError() {
        Run none = run();
        Run unknown = run("frobnicate");

        assertThat(none.exitCode()).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(none.err()).contains("Missing required subcommand", "init", "issue-device");
        assertThat(unknown.exitCode()).isEqualTo(CommandLine.ExitCode.USAGE);
    }

    @Test
    void helpExitsCleanly() {
        Run help = run("init", "--help");

        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("--out=DIR", "--name=NAME", "--force");
        assertThat(run("help", "issue-device").out()).contains("--key=rsa|ec", "--days=N");
    }
}
