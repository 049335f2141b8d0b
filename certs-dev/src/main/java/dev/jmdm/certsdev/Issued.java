package dev.jmdm.certsdev;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * A certificate with its private key and the chain above it (issuer first, root last; the root
 * is included so a reader can verify without other files).
 */
public record Issued(X509Certificate certificate, PrivateKey privateKey, List<X509Certificate> chain) {
    public Issued {
        chain = List.copyOf(chain);
    }

    /** The certificate followed by its chain. */
    public List<X509Certificate> fullChain() {
        var all = new java.util.ArrayList<X509Certificate>(chain.size() + 1);
        all.add(certificate);
        all.addAll(chain);
        return List.copyOf(all);
    }
}
