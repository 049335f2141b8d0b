package dev.jmdm.server.tls;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * The CA certificates device identities may chain to: those of {@code MDM_CA} plus the server's own device CA
 * ({@code MDM_DEVICE_CA_CERT}), which issues the identities inside enrollment profiles and so must be trusted
 * even when {@code MDM_CA} is not set. Duplicates (certs-dev points both settings at one file) count once.
 */
public final class TrustedDeviceCas {
    private TrustedDeviceCas() {
    }

    /** Either path may be null; the result may be empty (then no device can be authenticated). */
    public static List<X509Certificate> of(Path mdmCaFile, Path deviceCaCert) {
        List<X509Certificate> all = new ArrayList<>();
        for (Path file : new Path[] {mdmCaFile, deviceCaCert}) {
            if (file == null) {
                continue;
            }
            for (X509Certificate c : PemIdentity.certificates(file)) {
                if (!all.contains(c)) {
                    all.add(c);
                }
            }
        }
        return all;
    }
}
