package dev.jmdm.server.device;

import dev.jmdm.server.protocol.EnrollmentId;
import dev.jmdm.server.storage.CertBindingStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks that a request's certificate is the one bound to the device it speaks for. User
 * channels are checked against their device's binding: a user channel rides on the device's
 * identity. The first Authenticate binds (see {@link CheckinService}).
 */
public final class CertificateBinder {
    private static final Logger LOG = LoggerFactory.getLogger(CertificateBinder.class);

    private final CertBindingStore bindings;

    public CertificateBinder(CertBindingStore bindings) {
        this.bindings = bindings;
    }

    /**
     * Returns the enrollment's last-seen time (null when it has no row yet) after checking the
     * binding. A device with no binding at all (moved in through /migration, or enrolled before
     * this server checked identities) is bound on its first request, once; after that only that
     * certificate speaks for it.
     */
    public Long authorize(EnrollmentId id, RequestIdentity identity) {
        CertBindingStore.Lookup found = bindings.lookup(identity.certSha256(), id.id());
        if (id.deviceId().equals(found.boundDeviceId())) {
            return found.enrollmentLastSeen();
        }
        if (found.boundDeviceId() != null) {
            throw new DeviceAuthException("certificate is bound to another enrollment");
        }
        if (!bindings.hasBinding(id.deviceId()) && found.enrollmentLastSeen() != null) {
            if (bindings.bind(id.deviceId(), identity.certSha256(), identity.notAfterMillis()).isEmpty()) {
                LOG.info("bound certificate {} to {} on first use (no earlier binding)", identity.certSha256(), id.deviceId());
                return found.enrollmentLastSeen();
            }
        }
        throw new DeviceAuthException("certificate is not bound to enrollment " + id.id() + "; the device must Authenticate first");
    }
}
