package dev.jmdm.sim;

import com.dd.plist.NSArray;
import com.dd.plist.NSData;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSObject;
import com.dd.plist.NSString;
import com.dd.plist.PropertyListParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.bouncycastle.cms.CMSSignedData;

/**
 * A device's truthful answers to the commands it knows, from its {@link DeviceState} and
 * its facts; unknown request types get CommandFormatError, as Apple devices answer them.
 */
final class CommandResponder {
    /** Apple's answer to RemoveProfile for an identifier that is not installed. */
    static final String PROFILE_NOT_FOUND_DOMAIN = "MDMClientError";
    static final int PROFILE_NOT_FOUND_CODE = 89;
    /** The simulator's answer to ClearPasscode with a token the device did not escrow (not a captured Apple code). */
    static final String UNLOCK_TOKEN_DOMAIN = "MCPasscodeErrorDomain";
    static final int UNLOCK_TOKEN_CODE = 5;

    private final DeviceFacts facts;
    private final DeviceState state;
    private final boolean userEnrollment;

    CommandResponder(DeviceFacts facts, DeviceState state, boolean userEnrollment) {
        this.facts = facts;
        this.state = state;
        this.userEnrollment = userEnrollment;
    }

    Answer answer(String requestType, NSDictionary command) {
        return switch (requestType) {
            case "DeviceInformation" -> deviceInformation(command);
            case "SecurityInfo" -> securityInfo();
            case "InstalledApplicationList" -> installedApplications(command);
            case "ProfileList" -> profileList();
            case "InstallProfile" -> installProfile(command);
            case "RemoveProfile" -> removeProfile(command);
            case "DeviceLock" -> {
                state.lock(text(command, "PIN"), text(command, "Message"));
                yield Answer.acknowledged();
            }
            case "EraseDevice" -> {
                // The device answers first, then wipes itself; the state change stands for both.
                state.erase(text(command, "PIN"));
                yield Answer.acknowledged();
            }
            case "RestartDevice" -> {
                state.restarted();
                yield Answer.acknowledged();
            }
            case "ClearPasscode" -> clearPasscode(command);
            case "DeviceConfigured" -> {
                state.deviceConfigured();
                yield Answer.acknowledged();
            }
            case "ShutDownDevice", "CertificateList", "ScheduleOSUpdateScan" -> Answer.acknowledged();
            default -> Answer.commandFormatError();
        };
    }

    private Answer deviceInformation(NSDictionary command) {
        NSDictionary responses = new NSDictionary();
        NSObject queries = command.get("Queries");
        List<String> asked = new ArrayList<>();
        if (queries instanceof NSArray a) {
            for (NSObject q : a.getArray()) {
                asked.add(q.toString());
            }
        }
        NSDictionary all = facts.queryResponses();
        if (userEnrollment) {
            // A User Enrollment hides what identifies the hardware (information.device.yaml: "userenrollment: forbidden").
            for (String hidden : List.of("UDID", "SerialNumber", "IMEI", "MEID", "WiFiMAC", "BluetoothMAC", "EthernetMAC")) {
                all.remove(hidden);
            }
        }
        for (String key : asked.isEmpty() ? List.of(all.allKeys()) : asked) {
            NSObject v = all.get(key);
            if (v != null) {
                responses.put(key, v);
            }
        }
        NSDictionary extra = new NSDictionary();
        extra.put("QueryResponses", responses);
        return Answer.acknowledged(extra);
    }

    private Answer clearPasscode(NSDictionary command) {
        if (!(command.get("UnlockToken") instanceof NSData token)) {
            return Answer.commandFormatError();
        }
        if (state.clearPasscode(token.bytes())) {
            return Answer.acknowledged();
        }
        return Answer.error(UNLOCK_TOKEN_DOMAIN, UNLOCK_TOKEN_CODE, "The unlock token is invalid.");
    }

    private static String text(NSDictionary command, String key) {
        NSObject v = command.get(key);
        return v instanceof NSString s ? s.getContent() : null;
    }

    private Answer securityInfo() {
        NSDictionary info = new NSDictionary();
        boolean passcode = state.passcodePresent();
        info.put("PasscodePresent", passcode);
        info.put("PasscodeCompliant", passcode);
        if (facts.platform() == DeviceFacts.Platform.MACOS) {
            info.put("FDE_Enabled", true);
            info.put("SystemIntegrityProtectionEnabled", true);
            NSDictionary firewall = new NSDictionary();
            firewall.put("FirewallEnabled", true);
            info.put("FirewallSettings", firewall);
        }
        NSDictionary extra = new NSDictionary();
        extra.put("SecurityInfo", info);
        return Answer.acknowledged(extra);
    }

    /** The device's apps; none is managed, so ManagedAppsOnly answers an empty list. Identifiers filters. */
    private Answer installedApplications(NSDictionary command) {
        Random r = new Random(facts.udid().hashCode());
        List<String> wanted = new ArrayList<>();
        if (command.get("Identifiers") instanceof NSArray ids) {
            for (NSObject id : ids.getArray()) {
                wanted.add(id.toString());
            }
        }
        boolean managedOnly = command.get("ManagedAppsOnly") instanceof com.dd.plist.NSNumber n && n.boolValue();
        List<NSDictionary> apps = new ArrayList<>();
        String[][] known = {{"com.apple.Safari", "Safari"}, {"com.apple.Pages", "Pages"}, {"com.example.Tool", "Tool"}};
        for (String[] k : known) {
            NSDictionary app = new NSDictionary();
            app.put("Identifier", k[0]);
            app.put("Name", k[1]);
            app.put("ShortVersion", (1 + r.nextInt(17)) + "." + r.nextInt(10));
            app.put("Version", String.valueOf(1000 + r.nextInt(9000)));
            if (!managedOnly && (wanted.isEmpty() || wanted.contains(k[0]))) {
                apps.add(app);
            }
        }
        NSDictionary extra = new NSDictionary();
        extra.put("InstalledApplicationList", new NSArray(apps.toArray(new NSObject[0])));
        return Answer.acknowledged(extra);
    }

    private Answer profileList() {
        var installed = state.profiles().values();
        NSArray list = new NSArray(installed.size());
        int i = 0;
        for (DeviceState.InstalledProfile p : installed) {
            NSDictionary d = new NSDictionary();
            d.put("PayloadIdentifier", p.identifier());
            d.put("PayloadUUID", p.uuid());
            if (p.displayName() != null) {
                d.put("PayloadDisplayName", p.displayName());
            }
            d.put("PayloadVersion", 1);
            d.put("IsManaged", true);
            list.setValue(i++, d);
        }
        NSDictionary extra = new NSDictionary();
        extra.put("ProfileList", list);
        return Answer.acknowledged(extra);
    }

    private Answer installProfile(NSDictionary command) {
        if (!(command.get("Payload") instanceof NSData data)) {
            return Answer.commandFormatError();
        }
        try {
            byte[] raw = data.bytes();
            NSObject parsed = PropertyListParser.parse(unwrapSigned(raw));
            if (!(parsed instanceof NSDictionary profile) || !(profile.get("PayloadIdentifier") instanceof NSString id)
                    || !(profile.get("PayloadUUID") instanceof NSString uuid)) {
                return Answer.error("MCProfileErrorDomain", 1000, "The profile is malformed.");
            }
            NSObject name = profile.get("PayloadDisplayName");
            state.install(new DeviceState.InstalledProfile(id.getContent(), uuid.getContent(), name == null ? null : name.toString(), raw));
            return Answer.acknowledged();
        } catch (Exception e) {
            return Answer.error("MCProfileErrorDomain", 1000, "The profile could not be read: " + e.getMessage());
        }
    }

    private Answer removeProfile(NSDictionary command) {
        NSObject id = command.get("Identifier");
        if (id == null) {
            return Answer.commandFormatError();
        }
        if (state.remove(id.toString())) {
            return Answer.acknowledged();
        }
        return Answer.error(PROFILE_NOT_FOUND_DOMAIN, PROFILE_NOT_FOUND_CODE,
                "Profile with identifier '" + id + "' not found.");
    }

    /** Signed profiles are CMS SignedData around the plist; devices install what is inside. */
    private static byte[] unwrapSigned(byte[] raw) throws Exception {
        if (raw.length > 0 && raw[0] == 0x30) {
            return (byte[]) new CMSSignedData(raw).getSignedContent().getContent();
        }
        return raw;
    }
}
