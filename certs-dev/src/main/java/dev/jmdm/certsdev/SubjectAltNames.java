package dev.jmdm.certsdev;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.util.IPAddress;

/** Turns the names people type (host names, IP literals) into subject alternative names, refusing anything else. */
final class SubjectAltNames {
    // Letters, digits, '-' and '_' (Docker Compose service names use it); an optional leading "*." wildcard.
    private static final Pattern DNS_NAME =
            Pattern.compile("(\\*\\.)?[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(\\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*");

    private SubjectAltNames() {
    }

    static GeneralName toGeneralName(String name) {
        // IPAddress only parses literals; InetAddress.getByName would send anything else to DNS.
        if (IPAddress.isValid(name)) {
            return new GeneralName(GeneralName.iPAddress, name);
        }
        return new GeneralName(GeneralName.dNSName, requireDnsName(name));
    }

    /** The name itself when it is an IP address literal or a syntactically valid DNS name. */
    static String requireValid(String name) {
        return IPAddress.isValid(name) ? name : requireDnsName(name);
    }

    /** Whether the certificate's subject alternative names include the name (IP addresses compared as addresses). */
    static boolean covers(X509Certificate cert, String name) {
        Collection<List<?>> sans;
        try {
            sans = cert.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return false;
        }
        if (sans == null) {
            return false;
        }
        boolean ip = IPAddress.isValid(name);
        for (List<?> san : sans) {
            int type = (Integer) san.get(0);
            String value = String.valueOf(san.get(1));
            if (ip && type == GeneralName.iPAddress && IPAddress.isValid(value) && sameAddress(name, value)) {
                return true;
            }
            if (!ip && type == GeneralName.dNSName && value.equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    private static boolean sameAddress(String a, String b) {
        try {
            // Both are literals (checked by the caller), so this parses and never resolves.
            return InetAddress.getByName(a).equals(InetAddress.getByName(b));
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static String requireDnsName(String name) {
        if (name.length() > 253 || !DNS_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a DNS name or IP address: \"" + name + "\"");
        }
        return name;
    }
}
