package dev.jmdm.server.identity;

import dev.jmdm.certsdev.CertificateAuthority;
import dev.jmdm.certsdev.Issued;
import dev.jmdm.certsdev.KeyAlgorithm;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * A rough measurement, not a test: device-certificate validations per second on one thread, with and without the
 * fingerprint cache, plus the cost of checking an {@code Mdm-Signature} and of a whole resolve. Run with the test
 * classpath: {@code java -cp target/test-classes:target/classes:<deps> dev.jmdm.server.identity.ValidationThroughput}.
 */
public final class ValidationThroughput {
    private static final long MEASURE_NANOS = Duration.ofSeconds(2).toNanos();

    private ValidationThroughput() {
    }

    public static void main(String[] args) {
        CertificateAuthority root = CertificateAuthority.createRoot("bench root", CertificateAuthority.CA_VALIDITY);
        CertificateAuthority intermediate = root.intermediate("bench device CA", CertificateAuthority.CA_VALIDITY);
        List<X509Certificate> mdmCa = List.of(root.certificate(), intermediate.certificate());
        byte[] body = "<plist version=\"1.0\"><dict><key>Status</key><string>Idle</string></dict></plist>"
                .getBytes(StandardCharsets.UTF_8);

        System.out.printf("%-58s %12s %10s%n", "operation (MDM_CA = RSA root + RSA intermediate)", "ops/s", "us/op");
        for (KeyAlgorithm alg : KeyAlgorithm.values()) {
            Issued device = intermediate.issueDeviceIdentity("bench-" + alg, Duration.ofDays(365), alg);
            X509Certificate leaf = device.certificate();
            var uncached = new DeviceCertificateValidator(mdmCa, Clock.systemUTC(), Duration.ZERO);
            var cached = new DeviceCertificateValidator(mdmCa, Clock.systemUTC());
            String header = TestPki.sign(device, body);
            var resolver = new DeviceIdentityResolver(cached, null);

            run(alg + " leaf: validate, no cache (PKIX path build)", () -> uncached.validate(leaf, List.of()));
            run(alg + " leaf: validate, cached by SHA-256 fingerprint", () -> cached.validate(leaf, List.of()));
            run(alg + " leaf: fingerprint alone", () -> CertificateFingerprint.sha256Hex(leaf));
            run(alg + " leaf: Mdm-Signature verify (BER, SHA-256)", () -> MdmSignature.verify(header, body));
            run(alg + " leaf: resolve(Mdm-Signature), cached validator", () -> resolver.resolve(header, null, null, body));
        }
    }

    private static void run(String name, Runnable op) {
        long warmUntil = System.nanoTime() + MEASURE_NANOS / 2;
        while (System.nanoTime() < warmUntil) {
            op.run();
        }
        long count = 0;
        long start = System.nanoTime();
        long elapsed;
        do {
            for (int i = 0; i < 16; i++) {
                op.run();
            }
            count += 16;
            elapsed = System.nanoTime() - start;
        } while (elapsed < MEASURE_NANOS);
        double perSecond = count * 1e9 / elapsed;
        System.out.printf("%-58s %12.0f %10.2f%n", name, perSecond, 1e6 / perSecond);
    }
}
