package dev.jmdm.server.device;

import java.util.Optional;
import dev.jmdm.server.storage.BindingTransaction;

/**
 * What this server's own SCEP issued: the seam through which {@link CertificateBinder} learns that a certificate
 * was minted here for an enrollment (and so may re-bind a device without an admin), or was revoked.
 */
public interface IssuedIdentities {
    /**
     * A certificate issued here.
     *
     * @param linkId      the enrollment link its challenge was minted for; null: the open {@code /mdm/enroll} or the
     *                    static challenge
     * @param forDevice   the device its challenge was bound to (a renewal, or the UDID of a Setup Assistant enrollment),
     *                    or null
     * @param adeDevice   the ABM serial number of the Setup Assistant enrollment (a signed MachineInfo) it was minted
     *                    for, or null
     * @param renewsSha256 the certificate a RenewalReq replaced, or null
     * @param udid        the device that first authenticated with it, or null
     */
    record Issued(String certSha256, String linkId, String forDevice, String adeDevice, String renewsSha256, String udid,
            boolean revoked) {
        /**
         * Whether this certificate may take {@code device} over from {@code boundSha256}, the certificate still bound
         * to it: it was never used by another device, and it was minted for this very device, as the renewal of the
         * bound certificate, or through the enrollment link the bound certificate itself came from
         * ({@code boundLinkId}). Any other link is refused: whoever holds a link must not be able to take over a
         * device that enrolled through another one just by knowing its UDID.
         */
        public boolean mayRebind(String device, String boundSha256, String boundLinkId) {
            if (revoked || (udid != null && !udid.equals(device))) {
                return false;
            }
            return linkId != null && linkId.equals(boundLinkId) || device.equals(forDevice) || boundSha256.equals(renewsSha256);
        }

        /**
         * Whether it continues the same enrollment (a renewal) rather than starting a new one. A Setup Assistant
         * enrollment is a new one: the device was erased (or is new), so nothing of its last enrollment carries over.
         */
        public boolean renews(String device, String boundSha256) {
            return boundSha256.equals(renewsSha256) || adeDevice == null && device.equals(forDevice);
        }

        /**
         * Whether it was minted for another device than {@code device}: a challenge bound to a device (a renewal, a
         * Setup Assistant enrollment) issues a certificate that speaks for that device alone, even for a device this
         * server has never seen.
         */
        public boolean boundElsewhere(String device) {
            return forDevice != null && !forDevice.equals(device);
        }
    }

    /** The certificate, when this server's SCEP issued it; read inside the binding decision's transaction. */
    Optional<Issued> find(BindingTransaction tx, String certSha256);

    /** Records the device that authenticated with the certificate (once: the first device keeps it). */
    void attach(BindingTransaction tx, String certSha256, String deviceId);

    /** A server without SCEP. */
    IssuedIdentities NONE = new IssuedIdentities() {
        @Override
        public Optional<Issued> find(BindingTransaction tx, String certSha256) {
            return Optional.empty();
        }

        @Override
        public void attach(BindingTransaction tx, String certSha256, String deviceId) {
        }
    };
}
