package dev.jmdm.server.storage;

import java.util.Optional;

/**
 * The certificate-binding tables inside one of the store's transactions: what the binding policy
 * ({@code device.CertificateBinder}) reads and writes while it decides, so its decision and the
 * rest of the request commit or roll back together. Only valid during the call it is handed to.
 */
public interface BindingTransaction {
    /** The certificate the device is bound to. */
    Optional<CertBindingStore.Binding> binding(String deviceId);

    /** The device's re-bind grant, active or not. */
    Optional<CertBindingStore.Grant> grant(String deviceId);

    /** When this server first stored anything of the device (its Authenticate or a channel); empty: never. */
    Optional<Long> firstStored(String deviceId);

    /**
     * Binds the certificate in place of {@code replacing} and spends the device's grant: see
     * {@link CertBindingStore}'s rules. Returns the other device's id when the certificate is already
     * bound to one; throws {@link HostStore.ConcurrentEnrollmentException} when the binding changed since
     * it was read.
     */
    Optional<String> bind(String deviceId, String certSha256, long notAfter, String replacing);

    /** Drops the device's grant unspent: a migrated Authenticate keeps its old identity. */
    void dropGrant(String deviceId);
}
