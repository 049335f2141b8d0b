package dev.jmdm.server.ade;

import dev.jmdm.server.dep.AssignedDevices;
import dev.jmdm.server.enroll.EnrollmentFeature;
import dev.jmdm.server.http.HttpError;
import dev.jmdm.server.http.Requests;
import dev.jmdm.server.plist.PlistCodec;
import dev.jmdm.server.protocol.MachineInfo;
import dev.jmdm.server.storage.HostStore;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.nio.ByteBuffer;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /mdm/enroll}: Setup Assistant's request for the enrollment profile of an ADE device. The body is the
 * device's MachineInfo, CMS-signed by its Apple-issued identity ({@link SignedMachineInfo}); the serial number must be
 * one Apple Business Manager assigned to this server ({@link AssignedDevices}). The answer is the signed enrollment
 * profile with a SCEP payload whose one-time challenge is bound to that UDID and serial number. Every refusal is a
 * 403 JSON error and hands out nothing: unsigned, badly signed, signed by a CA other than MDM_DEP_DEVICE_CA, or a
 * serial number not assigned here. No API auth: devices call it.
 */
final class AdeEnrollHandler implements HttpHandler {
    private static final Logger LOG = LoggerFactory.getLogger(AdeEnrollHandler.class);
    /** A MachineInfo is a few hundred bytes and its signer's chain a few KiB. */
    static final int MAX_BODY = 64 * 1024;

    private final SignedMachineInfo verifier;
    private final AssignedDevices assigned;
    private final EnrollmentFeature.AdeProfiles profiles;
    private final HostStore hosts;
    private final AdeStore store;

    AdeEnrollHandler(SignedMachineInfo verifier, AssignedDevices assigned, EnrollmentFeature.AdeProfiles profiles, HostStore hosts,
            AdeStore store) {
        this.verifier = verifier;
        this.assigned = assigned;
        this.profiles = profiles;
        this.hosts = hosts;
        this.store = store;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        byte[] body = Requests.body(exchange, MAX_BODY);
        byte[] plist;
        try {
            plist = verifier.open(body);
        } catch (SignedMachineInfo.Refused e) {
            LOG.warn("refused a Setup Assistant enrollment from {}: {}", exchange.getSourceAddress(), e.getMessage());
            throw new HttpError(403, e.getMessage());
        }
        MachineInfo info = MachineInfo.of(PlistCodec.parseDictionary(plist));
        AssignedDevices.Assignment assignment = assigned.bySerial(info.serialNumber()).orElseThrow(() -> {
            LOG.warn("refused a Setup Assistant enrollment of serial {} (UDID {}): not assigned to this server", info.serialNumber(), info.udid());
            return new HttpError(403, "serial number " + info.serialNumber()
                    + " is not assigned to this server in Apple Business Manager (or was disowned)");
        });
        byte[] profile = profiles.profile(info.udid(), info.serialNumber());
        // The host ABM data made (or a new one) now knows the UDID the device proved; its Authenticate fills in the rest.
        hosts.preRegister(List.of(info.serialNumber()));
        hosts.noteUdid(info.serialNumber(), info.udid());
        store.requested(info, assignment.profileName());
        LOG.info("Setup Assistant enrollment of serial {} (UDID {}, {} {}): profile handed out (ADE profile {}, await configured: {})",
                info.serialNumber(), info.udid(), info.product(), info.osVersion() != null ? info.osVersion() : info.version(),
                assignment.profileName(), assignment.awaitDeviceConfigured());
        exchange.setStatusCode(200);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, EnrollmentFeature.PROFILE_CONTENT_TYPE);
        // The profile carries a one-time challenge: no cache may keep it.
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
        exchange.getResponseSender().send(ByteBuffer.wrap(profile));
    }
}
