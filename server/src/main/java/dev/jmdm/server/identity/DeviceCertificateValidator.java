package dev.jmdm.server.identity;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertStore;
import java.security.cert.CertificateException;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXCertPathBuilderResult;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.X509TrustedCertificateBlock;

/**
 * Decides whether a device certificate was issued by the MDM CA and may identify a device now.
 *
 * <p>The trusted certificates come from the {@code MDM_CA} PEM file. It may hold several roots (while a CA is being
 * rotated, devices carry certificates from the old and the new one) and intermediates: self-signed certificates
 * become trust anchors, the others are offered to path building as intermediates. A PKIX path is built from the
 * leaf to an anchor at the clock's time, without revocation checking. On top of PKIX, the leaf must look like a
 * device identity: not a CA, {@code digitalSignature} if it has a KeyUsage, {@code clientAuth} (or
 * {@code anyExtendedKeyUsage}) if it has an ExtendedKeyUsage. Trust anchors must be within their validity too, as
 * Go's {@code x509.Verify} (and so nanomdm) insists.
 *
 * <p>This runs on every device request, and building a path costs a few signature checks. Successful validations
 * are therefore remembered by SHA-256 fingerprint for {@link #CACHE_TTL}, and never beyond the validity window of
 * the path that was found; failures are not remembered. Thread-safe.
 */
public final class DeviceCertificateValidator {
    /** How long a successful validation is reused for the same certificate. */
    public static final Duration CACHE_TTL = Duration.ofMinutes(5);
    /** Past this many cached certificates, expired entries are dropped, then all of them if need be. */
    static final int CACHE_MAX_ENTRIES = 100_000;
    /** More chain certificates than any real device sends; a bound on path-building work per request. */
    static final int MAX_EXTRA_CERTIFICATES = 10;

    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final String ANY_EXTENDED_KEY_USAGE = "2.5.29.37.0";
    private static final int DIGITAL_SIGNATURE = 0;
    private static final int KEY_CERT_SIGN = 5;
    private static final int MAX_DIAGNOSIS_DEPTH = 8;

    private final Clock clock;
    private final Duration cacheTtl;
    private final List<X509Certificate> anchors;
    private final List<X509Certificate> intermediates;
    private final Set<TrustAnchor> trustAnchors;
    private final CertStore intermediateStore;
    /** While the clock is in [anchorsValidFrom, anchorsValidUntil] every anchor is valid and the set needs no filter. */
    private final Instant anchorsValidFrom;
    private final Instant anchorsValidUntil;
    private final ConcurrentMap<String, Validated> cache = new ConcurrentHashMap<>();

    /** What a successful validation proved, and until when it may be reused. */
    private record Validated(Instant pathValidFrom, Instant pathValidUntil, Instant forgetAt) {
        boolean covers(Instant now) {
            return now.isBefore(forgetAt) && !now.isBefore(pathValidFrom) && !now.isAfter(pathValidUntil);
        }
    }

    /**
     * @param trusted the certificates of {@code MDM_CA}: at least one self-signed root, plus any intermediates
     * @param clock the time validity is checked at
     */
    public DeviceCertificateValidator(Collection<X509Certificate> trusted, Clock clock) {
        this(trusted, clock, CACHE_TTL);
    }

    /** As the public constructor; a zero {@code cacheTtl} turns the cache off (for measurements). */
    DeviceCertificateValidator(Collection<X509Certificate> trusted, Clock clock, Duration cacheTtl) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.cacheTtl = Objects.requireNonNull(cacheTtl, "cacheTtl");
        if (trusted == null || trusted.isEmpty()) {
            throw new IllegalArgumentException("the MDM CA holds no certificates");
        }
        List<X509Certificate> roots = new ArrayList<>();
        List<X509Certificate> others = new ArrayList<>();
        for (X509Certificate c : trusted) {
            Objects.requireNonNull(c, "trusted certificate");
            (isSelfSigned(c) ? roots : others).add(c);
        }
        if (roots.isEmpty()) {
            throw new IllegalArgumentException("the MDM CA holds no self-signed root certificate (only "
                    + others.size() + " intermediates); add the root that issued them");
        }
        this.anchors = List.copyOf(roots);
        this.intermediates = List.copyOf(others);
        Set<TrustAnchor> set = new HashSet<>();
        for (X509Certificate root : roots) {
            set.add(new TrustAnchor(root, null));
        }
        this.trustAnchors = Set.copyOf(set);
        this.intermediateStore = collectionStore(intermediates);
        this.anchorsValidFrom = roots.stream().map(c -> c.getNotBefore().toInstant()).max(Instant::compareTo).orElseThrow();
        this.anchorsValidUntil = roots.stream().map(c -> c.getNotAfter().toInstant()).min(Instant::compareTo).orElseThrow();
    }

    /** A validator trusting the certificates of a PEM file such as {@code MDM_CA}. */
    public static DeviceCertificateValidator fromPemFile(Path pemFile, Clock clock) {
        String text;
        try {
            text = Files.readString(pemFile, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the MDM CA file " + pemFile, e);
        }
        List<X509Certificate> certs = readPem(text);
        if (certs.isEmpty()) {
            throw new IllegalArgumentException("the MDM CA file " + pemFile + " holds no PEM CERTIFICATE blocks");
        }
        return new DeviceCertificateValidator(certs, clock);
    }

    /** Every certificate in PEM text, in order; other blocks (keys, parameters) are skipped. */
    static List<X509Certificate> readPem(String pem) {
        List<X509Certificate> certs = new ArrayList<>();
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                if (o instanceof X509CertificateHolder holder) {
                    certs.add(X509Certificates.fromHolder(holder));
                } else if (o instanceof X509TrustedCertificateBlock trusted) {
                    certs.add(X509Certificates.fromHolder(trusted.getCertificateHolder()));
                }
            }
        } catch (IOException | CertificateException | RuntimeException e) {
            throw new IllegalArgumentException("not valid PEM certificates: " + e.getMessage(), e);
        }
        return certs;
    }

    /**
     * Checks that {@code leaf} is a device identity issued by a trusted CA and valid now.
     *
     * @param extra certificates the device sent along (intermediates), tried during path building; may be empty
     * @throws IdentityException naming the reason when it is not
     */
    public void validate(X509Certificate leaf, Collection<X509Certificate> extra) {
        if (leaf == null) {
            throw new IdentityException("no certificate to validate");
        }
        validate(leaf, extra, CertificateFingerprint.sha256Hex(leaf));
    }

    /** As {@link #validate(X509Certificate, Collection)}, for callers that already hold the leaf's fingerprint. */
    void validate(X509Certificate leaf, Collection<X509Certificate> extra, String sha256) {
        Collection<X509Certificate> chain = extra == null ? List.of() : extra;
        if (chain.size() > MAX_EXTRA_CERTIFICATES) {
            throw new IdentityException("too many chain certificates (" + chain.size() + ", at most "
                    + MAX_EXTRA_CERTIFICATES + ")");
        }
        Instant now = clock.instant();
        Validated known = cache.get(sha256);
        if (known != null && known.covers(now)) {
            return;
        }
        checkLeaf(leaf, now);
        Validated validated = buildPath(leaf, chain, now);
        if (!cacheTtl.isZero()) {
            remember(sha256, validated);
        }
    }

    private static void checkLeaf(X509Certificate leaf, Instant now) {
        checkValidity(leaf, now, "certificate");
        boolean[] keyUsage = leaf.getKeyUsage();
        if (leaf.getBasicConstraints() >= 0 || (keyUsage != null && keyUsage.length > KEY_CERT_SIGN && keyUsage[KEY_CERT_SIGN])) {
            throw new IdentityException("certificate is a CA certificate, not a device identity ("
                    + leaf.getSubjectX500Principal().getName() + ")");
        }
        if (keyUsage != null && (keyUsage.length <= DIGITAL_SIGNATURE || !keyUsage[DIGITAL_SIGNATURE])) {
            throw new IdentityException("certificate key usage lacks digitalSignature");
        }
        List<String> eku;
        try {
            eku = leaf.getExtendedKeyUsage();
        } catch (CertificateException e) {
            throw new IdentityException("certificate has an unreadable extended key usage", e);
        }
        if (eku != null && !eku.contains(CLIENT_AUTH) && !eku.contains(ANY_EXTENDED_KEY_USAGE)) {
            throw new IdentityException("certificate extended key usage lacks clientAuth (has " + eku + ")");
        }
    }

    private static void checkValidity(X509Certificate cert, Instant now, String what) {
        Instant notAfter = cert.getNotAfter().toInstant();
        Instant notBefore = cert.getNotBefore().toInstant();
        if (now.isAfter(notAfter)) {
            throw new IdentityException(what + " expired at " + notAfter);
        }
        if (now.isBefore(notBefore)) {
            throw new IdentityException(what + " is not yet valid (valid from " + notBefore + ")");
        }
    }

    private Validated buildPath(X509Certificate leaf, Collection<X509Certificate> extra, Instant now) {
        List<X509Certificate> sent = new ArrayList<>(extra.size() + 1);
        sent.add(leaf);
        sent.addAll(extra);
        PKIXCertPathBuilderResult result;
        try {
            X509CertSelector target = new X509CertSelector();
            target.setCertificate(leaf);
            PKIXBuilderParameters params = new PKIXBuilderParameters(anchorsValidAt(now), target);
            params.setRevocationEnabled(false);
            params.setDate(Date.from(now));
            params.addCertStore(intermediateStore);
            params.addCertStore(collectionStore(sent));
            result = (PKIXCertPathBuilderResult) CertPathBuilder.getInstance("PKIX", X509Certificates.PROVIDER).build(params);
        } catch (CertPathBuilderException e) {
            throw new IdentityException(diagnose(leaf, extra, now, e), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PKIX path building is unavailable", e);
        }

        Instant from = Instant.MIN;
        Instant until = Instant.MAX;
        List<X509Certificate> path = new ArrayList<>();
        for (var c : result.getCertPath().getCertificates()) {
            path.add((X509Certificate) c);
        }
        path.add(result.getTrustAnchor().getTrustedCert());
        for (X509Certificate c : path) {
            Instant nb = c.getNotBefore().toInstant();
            Instant na = c.getNotAfter().toInstant();
            from = nb.isAfter(from) ? nb : from;
            until = na.isBefore(until) ? na : until;
        }
        return new Validated(from, until, now.plus(cacheTtl));
    }

    /** The anchors valid at {@code now}: an expired root must not end a path even if another root has its name. */
    private Set<TrustAnchor> anchorsValidAt(Instant now) throws InvalidAlgorithmParameterException {
        if (!now.isBefore(anchorsValidFrom) && !now.isAfter(anchorsValidUntil)) {
            return trustAnchors;
        }
        Set<TrustAnchor> valid = new HashSet<>();
        for (TrustAnchor a : trustAnchors) {
            X509Certificate c = a.getTrustedCert();
            if (!now.isBefore(c.getNotBefore().toInstant()) && !now.isAfter(c.getNotAfter().toInstant())) {
                valid.add(a);
            }
        }
        if (valid.isEmpty()) {
            X509Certificate first = anchors.get(0);
            throw new IdentityException("no trusted CA certificate is valid at " + now + " (for example "
                    + first.getSubjectX500Principal().getName() + ": " + first.getNotBefore().toInstant() + " to "
                    + first.getNotAfter().toInstant() + ")");
        }
        return valid;
    }

    /**
     * Why path building failed, in words: PKIX itself only says "unable to find valid certification path". Walks up
     * from the leaf by issuer name and signature through the trusted and sent certificates.
     */
    private String diagnose(X509Certificate leaf, Collection<X509Certificate> extra, Instant now, Exception cause) {
        List<X509Certificate> pool = new ArrayList<>(anchors);
        pool.addAll(intermediates);
        pool.addAll(extra);
        X509Certificate current = leaf;
        for (int depth = 0; depth < MAX_DIAGNOSIS_DEPTH; depth++) {
            if (current != leaf && isSelfSigned(current)) {
                return "certificate is not issued by a trusted CA (its chain ends at the untrusted root "
                        + current.getSubjectX500Principal().getName() + ")";
            }
            X500Principal issuer = current.getIssuerX500Principal();
            List<X509Certificate> signers = new ArrayList<>();
            boolean named = false;
            boolean trustedName = false;
            for (X509Certificate c : pool) {
                if (!c.equals(current) && c.getSubjectX500Principal().equals(issuer)) {
                    named = true;
                    trustedName |= anchors.contains(c) || intermediates.contains(c);
                    if (signed(current, c)) {
                        signers.add(c);
                    }
                }
            }
            if (!named) {
                return "certificate is not issued by a trusted CA (no trusted certificate for issuer " + issuer.getName() + ")";
            }
            if (signers.isEmpty()) {
                String signed = current == leaf ? "the certificate" : current.getSubjectX500Principal().getName();
                return "certificate is not issued by a trusted CA (" + issuer.getName()
                        + (trustedName ? " is trusted, but a different key signed " : " did not sign ") + signed + ")";
            }
            X509Certificate next = null;
            for (X509Certificate c : signers) {
                boolean valid = !now.isBefore(c.getNotBefore().toInstant()) && !now.isAfter(c.getNotAfter().toInstant());
                if (valid && (next == null || anchors.contains(c))) {
                    next = c;
                }
            }
            if (next == null) {
                X509Certificate c = signers.get(0);
                String what = (anchors.contains(c) ? "trusted CA certificate " : "issuing CA certificate ")
                        + c.getSubjectX500Principal().getName();
                try {
                    checkValidity(c, now, what);
                } catch (IdentityException e) {
                    return e.getMessage();
                }
                break;
            }
            if (anchors.contains(next)) {
                break;
            }
            current = next;
        }
        return "no valid certification path to a trusted CA: " + cause.getMessage();
    }

    /** How many validations are remembered; for tests. */
    int cacheSize() {
        return cache.size();
    }

    private static boolean signed(X509Certificate cert, X509Certificate issuer) {
        try {
            cert.verify(issuer.getPublicKey());
            return true;
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    private static boolean isSelfSigned(X509Certificate c) {
        return c.getSubjectX500Principal().equals(c.getIssuerX500Principal()) && signed(c, c);
    }

    private void remember(String sha256, Validated validated) {
        if (cache.size() >= CACHE_MAX_ENTRIES) {
            Instant now = clock.instant();
            cache.values().removeIf(v -> !v.covers(now));
            if (cache.size() >= CACHE_MAX_ENTRIES) {
                cache.clear();
            }
        }
        cache.put(sha256, validated);
    }

    private static CertStore collectionStore(Collection<X509Certificate> certs) {
        try {
            return CertStore.getInstance("Collection", new CollectionCertStoreParameters(certs));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the Collection CertStore is unavailable", e);
        }
    }
}
