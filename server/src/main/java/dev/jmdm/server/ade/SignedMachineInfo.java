package dev.jmdm.server.ade;

import java.security.InvalidAlgorithmParameterException;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertStore;
import java.security.cert.CertificateException;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.oiw.OIWObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.util.Store;

/**
 * The body Setup Assistant posts to the enrollment URL: CMS SignedData (DER or BER) with the MachineInfo plist
 * attached, signed by the device's identity, whose chain Apple issued. This checks that one signer signed the
 * attached content with the certificate it carries and that the certificate chains (PKIX, at the server's time,
 * no revocation lookups) to one of the configured anchors ({@code MDM_DEP_DEVICE_CA}: Apple Root CA by default).
 * Anything else is {@link Refused}: the caller answers 403, since only Apple-made devices may ask for a profile.
 */
final class SignedMachineInfo {
    /** Digests devices sign with; MD5 and MD2 are refused. */
    private static final Set<String> ACCEPTED_DIGESTS = Set.of(OIWObjectIdentifiers.idSHA1.getId(), NISTObjectIdentifiers.id_sha224.getId(),
            NISTObjectIdentifiers.id_sha256.getId(), NISTObjectIdentifiers.id_sha384.getId(), NISTObjectIdentifiers.id_sha512.getId());

    /** Used directly, never registered: device certificates may have an empty subject, which the JDK's parser refuses. */
    private static final java.security.Provider PROVIDER = new BouncyCastleProvider();

    /** Why a body is not a MachineInfo a trusted device signed. */
    static final class Refused extends Exception {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    private final Set<TrustAnchor> anchors;
    private final Clock clock;

    SignedMachineInfo(Collection<X509Certificate> anchors, Clock clock) {
        if (anchors.isEmpty()) {
            throw new IllegalArgumentException("no MachineInfo signing CA");
        }
        this.anchors = anchors.stream().map(c -> new TrustAnchor(c, null)).collect(Collectors.toUnmodifiableSet());
        this.clock = clock;
    }

    /** The signed plist bytes, once signature and chain check out. */
    byte[] open(byte[] body) throws Refused {
        if (body == null || body.length == 0 || body[0] != 0x30) {
            throw new Refused("the MachineInfo is not signed: Setup Assistant posts it as CMS SignedData");
        }
        try {
            CMSSignedData cms = new CMSSignedData(body);
            if (!CMSObjectIdentifiers.signedData.equals(cms.toASN1Structure().getContentType())) {
                throw new Refused("the body is CMS but not SignedData");
            }
            if (cms.getSignedContent() == null || !(cms.getSignedContent().getContent() instanceof byte[] content)) {
                throw new Refused("the SignedData carries no MachineInfo (detached signature)");
            }
            X509Certificate signer = verifySigner(cms);
            checkChain(signer, others(cms, signer));
            return content;
        } catch (CMSException | RuntimeException e) {
            // BouncyCastle reports malformed ASN.1 with a variety of exceptions; each is the sender's bad body.
            throw new Refused("the body is not CMS SignedData: " + e.getMessage());
        }
    }

    private static X509Certificate verifySigner(CMSSignedData cms) throws Refused {
        Collection<SignerInformation> signers = cms.getSignerInfos().getSigners();
        if (signers.size() != 1) {
            throw new Refused("the MachineInfo has " + signers.size() + " signers, expected one (the device)");
        }
        SignerInformation signer = signers.iterator().next();
        if (!ACCEPTED_DIGESTS.contains(signer.getDigestAlgOID())) {
            throw new Refused("the MachineInfo is signed with a digest we do not accept (" + signer.getDigestAlgOID() + ")");
        }
        @SuppressWarnings("unchecked")
        Collection<X509CertificateHolder> matches = cms.getCertificates().getMatches(signer.getSID());
        if (matches.isEmpty()) {
            throw new Refused("the MachineInfo's SignedData does not include the signer's certificate");
        }
        X509Certificate cert = x509(matches.iterator().next());
        try {
            if (!signer.verify(new JcaSimpleSignerInfoVerifierBuilder().setProvider(PROVIDER).build(cert))) {
                throw new Refused("the MachineInfo's signature does not verify");
            }
        } catch (CMSException | OperatorCreationException e) {
            throw new Refused("the MachineInfo's signature does not verify: " + e.getMessage());
        }
        return cert;
    }

    private static List<X509Certificate> others(CMSSignedData cms, X509Certificate signer) throws Refused {
        List<X509Certificate> others = new ArrayList<>();
        @SuppressWarnings("unchecked")
        Store<X509CertificateHolder> store = cms.getCertificates();
        for (X509CertificateHolder holder : store.getMatches(null)) {
            X509Certificate c = x509(holder);
            if (!c.equals(signer)) {
                others.add(c);
            }
        }
        return others;
    }

    private void checkChain(X509Certificate signer, List<X509Certificate> intermediates) throws Refused {
        X509CertSelector target = new X509CertSelector();
        target.setCertificate(signer);
        try {
            PKIXBuilderParameters params = new PKIXBuilderParameters(anchors, target);
            params.setRevocationEnabled(false);
            params.setDate(new Date(clock.millis()));
            List<X509Certificate> all = new ArrayList<>(intermediates);
            all.add(signer);
            params.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(all)));
            CertPathBuilder.getInstance("PKIX").build(params);
        } catch (CertPathBuilderException e) {
            throw new Refused("the MachineInfo's signer (issued by " + signer.getIssuerX500Principal().getName()
                    + ") does not chain to MDM_DEP_DEVICE_CA: " + e.getMessage());
        } catch (InvalidAlgorithmParameterException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("PKIX path building is unavailable", e);
        }
    }

    private static X509Certificate x509(X509CertificateHolder holder) throws Refused {
        try {
            return new JcaX509CertificateConverter().setProvider(PROVIDER).getCertificate(holder);
        } catch (CertificateException e) {
            throw new Refused("the MachineInfo carries a certificate we cannot read: " + e.getMessage());
        }
    }
}
