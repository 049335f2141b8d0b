package dev.jmdm.certsdev;

/**
 * A development PKI read back from its directory: the three CAs (so tests can issue more identities in memory),
 * the server-side identities and the stand-in push certificate with its topic.
 */
public record LoadedStack(
        StackFiles files,
        CertificateAuthority rootCa,
        CertificateAuthority deviceCa,
        CertificateAuthority pushCa,
        Issued server,
        Issued apnsServer,
        Issued push,
        String pushTopic,
        String pushP12Password) {
}
