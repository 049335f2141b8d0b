package dev.jmdm.server.device;

import com.dd.plist.NSData;
import com.dd.plist.NSDictionary;
import dev.jmdm.server.plist.PlistCodec;
import dev.jmdm.server.protocol.CheckinMessage;
import dev.jmdm.server.protocol.EnrollmentId;
import dev.jmdm.server.protocol.ProtocolException;
import dev.jmdm.server.storage.AuthenticateStore;
import dev.jmdm.server.storage.CertBindingStore;
import dev.jmdm.server.storage.CheckinStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Handles check-in messages (Authenticate, TokenUpdate, CheckOut, …). */
public final class CheckinService {
    private static final Logger LOG = LoggerFactory.getLogger(CheckinService.class);

    private final AuthenticateStore authentications;
    private final CheckinStore enrollments;
    private final CertBindingStore bindings;
    private final CertificateBinder binder;
    private final DeviceEvents events;

    public CheckinService(AuthenticateStore authentications, CheckinStore enrollments, CertBindingStore bindings,
            CertificateBinder binder, DeviceEvents events) {
        this.authentications = authentications;
        this.events = events;
        this.enrollments = enrollments;
        this.bindings = bindings;
        this.binder = binder;
    }

    /**
     * Handles one check-in. identity is null only for /migration, which moves enrollments
     * from another server and carries no device certificate.
     */
    public DeviceResponse handle(CheckinMessage message, RequestIdentity identity) {
        EnrollmentId id = message.enrollment().resolve();
        if (identity == null && bindings.binding(id.deviceId()).isPresent()) {
            // The device talks to this server with its own certificate now: another server's copy
            // of it is stale and would overwrite its token and push magic and clear its queue.
            return DeviceResponse.refuse(409, "device " + id.deviceId() + " is enrolled with this server (a certificate is bound to it);"
                    + " migrating it again would overwrite that enrollment. Release the certificate first"
                    + " (DELETE /v1/enrollments/" + id.deviceId() + "/certificate) if the other server's copy is the right one");
        }
        if (message instanceof CheckinMessage.Authenticate auth) {
            if (!id.isDeviceChannel()) {
                throw new ProtocolException("Authenticate must come from a device channel");
            }
            authenticate(id, auth, identity);
            return DeviceResponse.ok();
        }
        // The look-up that authorizes the request also says whether the device Authenticated and whether its Setup
        // Assistant enrollment is under way: no second round trip. /migration has no look-up: ADE's steps ask.
        CertBindingStore.Lookup found = identity == null ? null : binder.authorize(id, identity);
        if (message instanceof CheckinMessage.TokenUpdate t) {
            if (!(found != null ? found.deviceStored() : enrollments.deviceKnown(id.deviceId()))) {
                // Never Authenticated, or its host was deleted: a TokenUpdate must not bring back a pushable channel.
                throw DeviceAuthException.unrecognized("enrollment " + id.id() + " is unknown to this server; the device must enroll again");
            }
            int tally = enrollments.storeTokenUpdate(id, t);
            LOG.info("TokenUpdate {} ({}) tally {}", id.id(), id.type().label(), tally);
            events.tokenUpdated(id, tally, found == null || found.setupPending());
            if (t.awaitingConfiguration() && id.isDeviceChannel()) {
                events.awaitingConfiguration(id);
            }
            return DeviceResponse.ok();
        }
        if (message instanceof CheckinMessage.CheckOut) {
            enrollments.disable(id);
            if (identity != null && id.isDeviceChannel()) {
                // The device removed its profile, proving the bound certificate: re-enrolling, with
                // whatever new identity the next profile brings, is up to it.
                bindings.release(id.deviceId(), "checkout", null);
            }
            LOG.info("CheckOut {}", id.id());
            return DeviceResponse.ok();
        }
        if (message instanceof CheckinMessage.UserAuthenticate) {
            // Declining is the safe default: accepting needs a user directory to check the
            // DigestResponse against. 410 tells the device not to create the user channel.
            LOG.info("declined UserAuthenticate for {}", id.id());
            return DeviceResponse.refuse(410, "user channels are not accepted by this server");
        }
        if (message instanceof CheckinMessage.SetBootstrapToken s) {
            enrollments.storeBootstrapToken(id.deviceId(), s.bootstrapToken());
            return DeviceResponse.ok();
        }
        if (message instanceof CheckinMessage.GetBootstrapToken) {
            NSDictionary answer = new NSDictionary();
            enrollments.bootstrapToken(id.deviceId()).ifPresent(bytes -> answer.put("BootstrapToken", new NSData(bytes)));
            return DeviceResponse.plist(PlistCodec.toXml(answer));
        }
        if (message instanceof CheckinMessage.DeclarativeManagement) {
            return DeviceResponse.refuse(501, "declarative management is not supported by this server yet");
        }
        return DeviceResponse.refuse(501, message.messageType() + " is not supported by this server yet");
    }

    /**
     * Authenticate starts an enrollment: in one transaction ({@link AuthenticateStore}) the certificate is bound to the
     * device (or replaces an older one where {@link CertificateBinder} allows it), the device row
     * is stored, every queued command of the old enrollment is cleared and the channels are
     * disabled until TokenUpdate. A new enrollment of a known device (after CheckOut, release, wipe
     * or expiry) also loses the old enrollment's bootstrap token and UnlockToken. A migrated
     * Authenticate binds nothing: the device keeps the identity it had, which its first request
     * here claims.
     */
    private void authenticate(EnrollmentId id, CheckinMessage.Authenticate auth, RequestIdentity identity) {
        authentications.authenticate(id, auth, tx -> {
            if (identity == null) {
                tx.dropGrant(id.deviceId());
                return false;
            }
            return binder.bindOnAuthenticate(tx, id, identity) == CertificateBinder.Bind.NEW_ENROLLMENT;
        });
        LOG.info("Authenticate {} serial {}", id.id(), auth.serialNumber());
    }
}
