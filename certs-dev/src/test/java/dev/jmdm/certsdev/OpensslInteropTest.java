package dev.jmdm.certsdev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What OpenSSL thinks of the files: a second, independent verifier. Skipped when openssl is not on PATH. */
class OpensslInteropTest {
    @TempDir
    static Path dir;

    private static StackFiles files;
    private static DeviceFiles rsaDevice;
    private static DeviceFiles ecDevice;

    private record Result(int exitCode, String output) {
    }

    @BeforeAll
    static void requireOpensslAndInit() throws Exception {
        assumeTrue(opensslAvailable(), "openssl is not on PATH");
        files = DevStack.init(dir, List.of("mdm.test"), false).files();
        rsaDevice = DevStack.issueDevice(dir, "RSA-DEVICE").files();
        ecDevice = DevStack.issueDevice(dir, "EC-DEVICE", KeyAlgorithm.EC_P256, DevStack.DEVICE_VALIDITY, false).files();
    }

    @Test
    void serverCertificatesVerifyAgainstTheRootAsTlsServers() throws Exception {
        for (Path cert : List.of(files.serverCert(), files.apnsServerCert())) {
            Result r = openssl("verify", "-x509_strict", "-purpose", "sslserver", "-CAfile", files.caCert().toString(),
                    leafOnly(cert).toString());
            assertThat(r.exitCode()).as(r.output()).isZero();
            assertThat(r.output()).contains(": OK");
        }
    }

    @Test
    void serverCertificateMatchesItsNames() throws Exception {
        for (String name : List.of("localhost", "mdm.test")) {
            Result r = openssl("verify", "-CAfile", files.caCert().toString(), "-verify_hostname", name,
                    leafOnly(files.serverCert()).toString());
            assertThat(r.exitCode()).as(r.output()).isZero();
        }
        for (String ip : List.of("127.0.0.1", "::1")) {
            Result r = openssl("verify", "-CAfile", files.caCert().toString(), "-verify_ip", ip,
                    leafOnly(files.serverCert()).toString());
            assertThat(r.exitCode()).as(r.output()).isZero();
        }
        Result wrong = openssl("verify", "-CAfile", files.caCert().toString(), "-verify_hostname", "elsewhere.test",
                leafOnly(files.serverCert()).toString());
        assertThat(wrong.exitCode()).isNotZero();
    }

    @Test
    void deviceIdentitiesVerifyAgainstTheDeviceCaAsTlsClients() throws Exception {
        for (DeviceFiles d : List.of(rsaDevice, ecDevice)) {
            Result r = openssl("verify", "-x509_strict", "-purpose", "sslclient", "-CAfile",
                    files.deviceCaCert().toString(), leafOnly(d.cert()).toString());
            assertThat(r.exitCode()).as(r.output()).isZero();
        }
    }

    @Test
    void pushCertificateVerifiesAgainstThePushCaAsATlsClient() throws Exception {
        Result r = openssl("verify", "-x509_strict", "-purpose", "sslclient", "-CAfile", files.pushCaCert().toString(),
                leafOnly(files.pushCert()).toString());
        assertThat(r.exitCode()).as(r.output()).isZero();
    }

    @Test
    void certificatesDoNotVerifyAgainstTheWrongCa() throws Exception {
        Result server = openssl("verify", "-CAfile", files.deviceCaCert().toString(), leafOnly(files.serverCert()).toString());
        Result device = openssl("verify", "-CAfile", files.caCert().toString(), leafOnly(rsaDevice.cert()).toString());

        assertThat(server.exitCode()).isNotZero();
        assertThat(device.exitCode()).isNotZero();
    }

    @Test
    void p12FilesOpenWithTheirPasswordFilesWithoutLegacyProvider() throws Exception {
        for (Path[] p12 : List.of(new Path[] {files.pushP12(), files.pushP12Password()},
                new Path[] {rsaDevice.p12(), rsaDevice.p12Password()}, new Path[] {ecDevice.p12(), ecDevice.p12Password()})) {
            Result r = openssl("pkcs12", "-in", p12[0].toString(), "-passin", "file:" + p12[1], "-nodes");
            assertThat(r.exitCode()).as(r.output()).isZero();
            assertThat(r.output()).contains("BEGIN PRIVATE KEY");
            assertThat(r.output().split("BEGIN CERTIFICATE", -1)).hasSize(3);
        }
    }

    @Test
    void keysAreValid() throws Exception {
        for (Path key : List.of(files.caKey(), files.serverKey(), files.deviceCaKey(), files.pushKey(), rsaDevice.key(),
                ecDevice.key())) {
            Result r = openssl("pkey", "-in", key.toString(), "-check", "-noout");
            assertThat(r.exitCode()).as(key + ": " + r.output()).isZero();
        }
    }

    /** The first certificate of a PEM file on its own: openssl verify checks only the first and wants no extras. */
    private static Path leafOnly(Path pem) throws IOException {
        Path leaf = Files.createTempFile(dir, "leaf", ".pem");
        Files.writeString(leaf, Pem.encode(Pem.certificates(Files.readString(pem)).get(0)));
        return leaf;
    }

    private static boolean opensslAvailable() {
        try {
            return openssl("version").exitCode() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Result openssl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("openssl " + String.join(" ", args) + " did not finish");
        }
        return new Result(p.exitValue(), output);
    }
}
