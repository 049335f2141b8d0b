package dev.jmdm.certsdev;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;

/**
 * A whole development PKI in one directory, as {@code certs-dev init} and {@code certs-dev issue-device} write it,
 * for tests that want a stack in a temporary directory without running the CLI.
 *
 * <p>Runs are idempotent: a file that exists is kept as it is (after checking that it still fits the rest), unless
 * {@code force} is set, in which case every file of the operation is replaced. A run that finds a problem writes
 * nothing.
 */
public final class DevStack {
    /** Apple devices refuse TLS server certificates valid for longer: https://support.apple.com/en-us/HT210176 */
    public static final Duration SERVER_VALIDITY = Duration.ofDays(825);
    /** Apple's MDM push certificates last a year. */
    public static final Duration PUSH_VALIDITY = Duration.ofDays(365);
    public static final Duration DEVICE_VALIDITY = Duration.ofDays(365);
    /** Apple issues MDM push certificates with subject UID {@code com.apple.mgmt.External.<uuid>}: the APNs topic. */
    public static final String PUSH_TOPIC_PREFIX = "com.apple.mgmt.External.";
    /** Names every local server certificate carries. */
    public static final List<String> LOOPBACK_NAMES = List.of("localhost", "127.0.0.1", "::1");

    static final String ROOT_CA_NAME = "jmdm development root CA";
    static final String DEVICE_CA_NAME = "jmdm development device CA";
    static final String PUSH_CA_NAME = "jmdm stand-in Apple push CA";

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String REISSUE = "delete it and its key to issue new ones, or re-run with --force";
    private static final String REPLACE_ALL = "re-run with --force to make a new PKI (this replaces every file)";

    private DevStack() {
    }

    /** {@link #init(Path, List, boolean)} with only the loopback names, keeping existing files. */
    public static InitResult init(Path dir) throws IOException {
        return init(dir, List.of(), false);
    }

    /**
     * Writes the CAs, the server and mock-APNs TLS identities and the stand-in push certificate into {@code dir}
     * (created if missing); see {@link StackFiles} for the names.
     *
     * @param extraNames DNS names or IP addresses the server certificate carries besides {@link #LOOPBACK_NAMES}
     * @param force replace existing files instead of keeping them
     * @throws IllegalArgumentException if an extra name is neither a DNS name nor an IP address
     * @throws DevStackException if existing files do not fit together or do not cover {@code extraNames}
     */
    public static InitResult init(Path dir, List<String> extraNames, boolean force) throws IOException {
        List<String> serverNames = serverNames(extraNames);
        StackFiles f = StackFiles.in(dir);
        OutputDirectory out = new OutputDirectory(force);

        CertificateAuthority root = ca(out, f.caCert(), f.caKey(), ROOT_CA_NAME, "dev root CA",
                "trust anchor of server.pem and apns-server.pem (MDM_APNS_CA)");
        identity(out, f.serverCert(), f.serverKey(),
                "server TLS certificate + chain for " + String.join(", ", serverNames) + " (MDM_TLS_CERT)",
                "server TLS key (MDM_TLS_KEY)",
                () -> root.issueServer(serverNames, SERVER_VALIDITY),
                kept -> {
                    ExistingFiles.requireIssuedBy(kept.certificate(), f.serverCert(), root, f.caCert(), REISSUE);
                    requireNames(kept.certificate(), f.serverCert(), serverNames);
                });

        // keyEncipherment: the server's SCEP endpoint answers with this CA, and SCEP clients encrypt their requests
        // to it (RFC 8894 section 3.5.2); a client that honours key usage would refuse a CA without it.
        CertificateAuthority deviceCa = ca(out, f.deviceCaCert(), f.deviceCaKey(), DEVICE_CA_NAME, "device-identity CA",
                "issues and trusts device identities (MDM_CA, MDM_DEVICE_CA_CERT)", KeyUsage.keyEncipherment);

        identity(out, f.apnsServerCert(), f.apnsServerKey(),
                "mock APNs server TLS certificate + chain for " + String.join(", ", LOOPBACK_NAMES),
                "mock APNs server TLS key",
                () -> root.issueServer(LOOPBACK_NAMES, SERVER_VALIDITY),
                kept -> {
                    ExistingFiles.requireIssuedBy(kept.certificate(), f.apnsServerCert(), root, f.caCert(), REISSUE);
                    requireNames(kept.certificate(), f.apnsServerCert(), LOOPBACK_NAMES);
                });

        CertificateAuthority pushCa = ca(out, f.pushCaCert(), f.pushCaKey(), PUSH_CA_NAME, "stand-in Apple push CA",
                "issued push.pem; the mock APNs trusts it for client certificates");
        Issued push = identity(out, f.pushCert(), f.pushKey(),
                "stand-in MDM push certificate + chain (APNs client certificate)", "stand-in MDM push key",
                () -> pushCa.issue(pushSpec(UUID.randomUUID())),
                kept -> {
                    ExistingFiles.requireIssuedBy(kept.certificate(), f.pushCert(), pushCa, f.pushCaCert(), REISSUE);
                    if (pushTopic(kept.certificate()) == null) {
                        throw new DevStackException(f.pushCert() + " has no subject UID starting with "
                                + PUSH_TOPIC_PREFIX + ": " + REISSUE);
                    }
                });
        pkcs12(out, f.pushP12(), f.pushP12Password(), push, f.pushCert(), "push certificate, key and chain");

        return new InitResult(f, pushTopic(push.certificate()), out.commit());
    }

    /** {@link #issueDevice(Path, String, KeyAlgorithm, Duration, boolean)} with an RSA key for a year. */
    public static DeviceResult issueDevice(Path dir, String udid) throws IOException {
        return issueDevice(dir, udid, KeyAlgorithm.RSA_2048, DEVICE_VALIDITY, false);
    }

    /**
     * Issues a device identity (subject CN the UDID, client-auth usage) from the device CA in {@code dir} and
     * writes {@code devices/UDID.pem}, {@code .key}, {@code .p12} and {@code .p12.password}.
     *
     * @throws IllegalArgumentException if the UDID cannot name a file or the validity is not positive
     * @throws DevStackException if {@code dir} has no device CA (run init first) or existing files do not fit
     */
    public static DeviceResult issueDevice(Path dir, String udid, KeyAlgorithm keyAlgorithm, Duration validity,
            boolean force) throws IOException {
        DeviceFiles d = DeviceFiles.in(dir, udid);
        if (validity.isNegative() || validity.isZero()) {
            throw new IllegalArgumentException("validity must be positive: " + validity);
        }
        StackFiles f = StackFiles.in(dir);
        for (Path required : List.of(f.deviceCaCert(), f.deviceCaKey())) {
            if (!Files.exists(required)) {
                throw new DevStackException("no device CA in " + dir + " (" + required.getFileName()
                        + " is missing): run `certs-dev init --out " + dir + "` first");
            }
        }
        CertificateAuthority deviceCa = ExistingFiles.readCa(f.deviceCaCert(), f.deviceCaKey());
        OutputDirectory out = new OutputDirectory(force);
        Issued identity = identity(out, d.cert(), d.key(),
                "device identity + chain, CN=" + udid, "device identity key",
                () -> deviceCa.issueDeviceIdentity(udid, validity, keyAlgorithm),
                kept -> ExistingFiles.requireIssuedBy(kept.certificate(), d.cert(), deviceCa, f.deviceCaCert(),
                        REISSUE));
        pkcs12(out, d.p12(), d.p12Password(), identity, d.cert(), "device identity, key and chain");
        return new DeviceResult(d, identity, out.commit());
    }

    /**
     * Reads back what {@link #init} wrote, checking that each certificate belongs to its key and its CA.
     *
     * @throws DevStackException if a file is missing (run init first) or the files do not fit together
     */
    public static LoadedStack load(Path dir) throws IOException {
        StackFiles f = StackFiles.in(dir);
        for (Path p : List.of(f.caCert(), f.caKey(), f.serverCert(), f.serverKey(), f.deviceCaCert(),
                f.deviceCaKey(), f.apnsServerCert(), f.apnsServerKey(), f.pushCaCert(), f.pushCaKey(), f.pushCert(),
                f.pushKey(), f.pushP12Password())) {
            if (!Files.exists(p)) {
                throw new DevStackException(p + " is missing: run `certs-dev init --out " + dir + "` first");
            }
        }
        CertificateAuthority root = ExistingFiles.readCa(f.caCert(), f.caKey());
        CertificateAuthority deviceCa = ExistingFiles.readCa(f.deviceCaCert(), f.deviceCaKey());
        CertificateAuthority pushCa = ExistingFiles.readCa(f.pushCaCert(), f.pushCaKey());
        Issued server = ExistingFiles.readIdentity(f.serverCert(), f.serverKey());
        ExistingFiles.requireIssuedBy(server.certificate(), f.serverCert(), root, f.caCert(), REISSUE);
        Issued apns = ExistingFiles.readIdentity(f.apnsServerCert(), f.apnsServerKey());
        ExistingFiles.requireIssuedBy(apns.certificate(), f.apnsServerCert(), root, f.caCert(), REISSUE);
        Issued push = ExistingFiles.readIdentity(f.pushCert(), f.pushKey());
        ExistingFiles.requireIssuedBy(push.certificate(), f.pushCert(), pushCa, f.pushCaCert(), REISSUE);
        return new LoadedStack(f, root, deviceCa, pushCa, server, apns, push, pushTopic(push.certificate()),
                ExistingFiles.readPassword(f.pushP12Password()));
    }

    /** The APNs topic of a push certificate (its subject UID), or null when it has none of Apple's form. */
    public static String pushTopic(X509Certificate cert) {
        RDN[] uids = X500Name.getInstance(cert.getSubjectX500Principal().getEncoded()).getRDNs(BCStyle.UID);
        if (uids.length == 0) {
            return null;
        }
        ASN1Encodable value = uids[0].getFirst().getValue();
        String uid = value instanceof ASN1String s ? s.getString() : value.toString();
        return uid.startsWith(PUSH_TOPIC_PREFIX) ? uid : null;
    }

    /**
     * A certificate shaped like Apple's MDM push certificates: subject {@code UID=com.apple.mgmt.External.<uuid>,
     * CN=APSP:<uuid>, C=US}, digital signature, client auth. Apple's also carry a private extension marking the
     * APNs environment (1.2.840.113635.100.6.3.2); nothing local reads it, so the stand-in leaves it out.
     */
    static CertSpec pushSpec(UUID uuid) {
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.UID, PUSH_TOPIC_PREFIX + uuid)
                .addRDN(BCStyle.CN, "APSP:" + uuid)
                .addRDN(BCStyle.C, "US")
                .build();
        Instant notBefore = Instant.now().minus(Duration.ofMinutes(1));
        return new CertSpec(subject, notBefore, notBefore.plus(PUSH_VALIDITY), false, KeyUsage.digitalSignature,
                List.of(KeyPurposeId.id_kp_clientAuth), List.of(), KeyAlgorithm.RSA_2048);
    }

    private static List<String> serverNames(List<String> extraNames) {
        Set<String> names = new LinkedHashSet<>(LOOPBACK_NAMES);
        for (String name : extraNames) {
            names.add(SubjectAltNames.requireValid(name));
        }
        return List.copyOf(names);
    }

    private static void requireNames(X509Certificate cert, Path certFile, List<String> names) {
        List<String> missing = new ArrayList<>();
        for (String name : names) {
            if (!SubjectAltNames.covers(cert, name)) {
                missing.add(name);
            }
        }
        if (!missing.isEmpty()) {
            throw new DevStackException(certFile + " does not cover " + String.join(", ", missing)
                    + ": delete it and its key to issue a new one with every name (the CA stays), "
                    + "or re-run with --force");
        }
    }

    private static CertificateAuthority ca(OutputDirectory out, Path certFile, Path keyFile, String commonName,
            String label, String purpose) throws IOException {
        return ca(out, certFile, keyFile, commonName, label, purpose, 0);
    }

    private static CertificateAuthority ca(OutputDirectory out, Path certFile, Path keyFile, String commonName,
            String label, String purpose, int extraKeyUsage) throws IOException {
        String keyDescription = label + " key" + (label.startsWith("device") ? " (MDM_DEVICE_CA_KEY)" : "");
        Issued issued = identity(out, certFile, keyFile, label + ": " + purpose, keyDescription,
                () -> CertificateAuthority.createRoot(commonName, CertificateAuthority.CA_VALIDITY, extraKeyUsage).asIssued(),
                kept -> {
                    if (kept.certificate().getBasicConstraints() < 0) {
                        throw new DevStackException(certFile + " is not a CA certificate: " + REPLACE_ALL);
                    }
                    ExistingFiles.requireCurrent(kept.certificate(), certFile, REPLACE_ALL);
                });
        return CertificateAuthority.of(issued);
    }

    /**
     * Keeps a certificate file and its key file when both exist (after the checks), issues both when neither does,
     * and refuses to guess when only one does.
     */
    private static Issued identity(OutputDirectory out, Path certFile, Path keyFile, String certDescription,
            String keyDescription, Supplier<Issued> issue, Consumer<Issued> checkKept) throws IOException {
        boolean keepCert = out.keeps(certFile);
        boolean keepKey = out.keeps(keyFile);
        if (keepCert && keepKey) {
            Issued kept = ExistingFiles.readIdentity(certFile, keyFile);
            ExistingFiles.requireCurrent(kept.certificate(), certFile, REISSUE);
            checkKept.accept(kept);
            out.keep(certFile, certDescription);
            out.keep(keyFile, keyDescription);
            return kept;
        }
        if (keepCert || keepKey) {
            Path present = keepCert ? certFile : keyFile;
            Path missing = keepCert ? keyFile : certFile;
            throw new DevStackException(present + " exists but " + missing + " does not: restore it, delete "
                    + present.getFileName() + " to issue a new pair, or re-run with --force");
        }
        Issued issued = issue.get();
        out.writePublic(certFile, Pem.encode(issued.fullChain()), certDescription);
        out.writeSecret(keyFile, Pem.encode(issued.privateKey()).getBytes(StandardCharsets.US_ASCII), keyDescription);
        return issued;
    }

    /** A PKCS#12 copy of an identity and its password file, kept, completed or written like the PEM files. */
    private static void pkcs12(OutputDirectory out, Path p12File, Path passwordFile, Issued identity, Path certFile,
            String description) throws IOException {
        boolean keepP12 = out.keeps(p12File);
        boolean keepPassword = out.keeps(passwordFile);
        String remedy = "delete " + p12File.getFileName() + " and " + passwordFile.getFileName()
                + " to write new ones, or re-run with --force";
        if (keepP12 && !keepPassword) {
            throw new DevStackException(p12File + " exists but " + passwordFile + " does not: " + remedy);
        }
        String password = keepPassword ? ExistingFiles.readPassword(passwordFile) : newPassword();
        if (keepP12) {
            Issued inside;
            try {
                inside = Pkcs12.decode(Files.readAllBytes(p12File), password.toCharArray());
            } catch (IllegalArgumentException e) {
                throw new DevStackException(
                        p12File + " does not open with the password in " + passwordFile + ": " + remedy, e);
            }
            if (!inside.certificate().equals(identity.certificate())) {
                throw new DevStackException(p12File + " holds another certificate than " + certFile + ": " + remedy);
            }
            out.keep(p12File, description + " as PKCS#12");
        } else {
            out.writeSecret(p12File, Pkcs12.encode(identity, password.toCharArray()), description + " as PKCS#12");
        }
        if (keepPassword) {
            out.keep(passwordFile, "password of " + p12File.getFileName());
        } else {
            out.writeSecret(passwordFile, password.getBytes(StandardCharsets.US_ASCII),
                    "password of " + p12File.getFileName());
        }
    }

    /** 144 random bits, URL-safe Base64: no characters a shell or a plist would need escaped. */
    private static String newPassword() {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
