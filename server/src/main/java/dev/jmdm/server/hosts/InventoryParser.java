package dev.jmdm.server.hosts;

import com.dd.plist.NSArray;
import com.dd.plist.NSData;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSNumber;
import com.dd.plist.NSObject;
import com.dd.plist.NSString;
import dev.jmdm.server.plist.PlistJson;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns the answers to DeviceInformation, SecurityInfo and InstalledApplicationList into
 * structured facts (JSON-ready maps). Keys follow Apple's response schemas
 * (device-management/mdm/commands/information.device.yaml, information.security.yaml,
 * application.installed.list.yaml); a key a device does not send is simply absent.
 */
final class InventoryParser {
    /** Inventory sources, one row each per host. */
    static final String DEVICE = "device";
    static final String SECURITY = "security";
    static final String APPS = "apps";

    /** DeviceInformation keys placed in a structured section; the rest land in "other". */
    private static final Set<String> STRUCTURED = Set.of("UDID", "SerialNumber", "DeviceName", "HostName", "LocalHostName",
            "ModelName", "Model", "ModelNumber", "ProductName", "IsAppleSilicon", "WiFiMAC", "BluetoothMAC", "EthernetMAC",
            "IMEI", "MEID", "OSVersion", "BuildVersion", "SupplementalBuildVersion", "SupplementalOSVersionExtra",
            "DeviceCapacity", "AvailableDeviceCapacity", "BatteryLevel", "HasBattery", "IsSupervised", "IsMultiUser",
            "IsActivationLockEnabled", "IsDeviceLocatorServiceEnabled", "IsMDMLostModeEnabled", "AwaitingConfiguration",
            "SystemIntegrityProtectionEnabled", "ICCID", "PhoneNumber", "CurrentCarrierNetwork", "TimeZone");
    /** Large or secret answers not worth keeping as facts (they stay in the raw result). */
    private static final Set<String> SKIPPED = Set.of("DevicePropertiesAttestation", "PushToken", "OrganizationInfo", "MDMOptions");

    private InventoryParser() {
    }

    /** What one answer contributes: a source and its facts. */
    record Parsed(String source, Map<String, Object> facts) {
    }

    /** The facts in a device's answer, when it is an answer to one of the inventory queries. */
    static Optional<Parsed> parse(NSDictionary report) {
        if (report.get("QueryResponses") instanceof NSDictionary q) {
            return Optional.of(new Parsed(DEVICE, deviceInformation(q)));
        }
        if (report.get("SecurityInfo") instanceof NSDictionary s) {
            return Optional.of(new Parsed(SECURITY, securityInfo(s)));
        }
        if (report.get("InstalledApplicationList") instanceof NSArray a) {
            return Optional.of(new Parsed(APPS, Map.of("apps", applications(a))));
        }
        return Optional.empty();
    }

    static Map<String, Object> deviceInformation(NSDictionary q) {
        Map<String, Object> m = new LinkedHashMap<>();
        put(m, "udid", string(q, "UDID"));
        put(m, "serial_number", string(q, "SerialNumber"));
        put(m, "device_name", string(q, "DeviceName"));
        put(m, "hostname", string(q, "HostName"));
        put(m, "local_hostname", string(q, "LocalHostName"));
        put(m, "time_zone", string(q, "TimeZone"));

        Map<String, Object> hw = new LinkedHashMap<>();
        put(hw, "model_name", string(q, "ModelName"));
        put(hw, "model", string(q, "Model"));
        put(hw, "model_number", string(q, "ModelNumber"));
        put(hw, "product_name", string(q, "ProductName"));
        put(hw, "apple_silicon", bool(q, "IsAppleSilicon"));
        put(hw, "wifi_mac", string(q, "WiFiMAC"));
        put(hw, "bluetooth_mac", string(q, "BluetoothMAC"));
        put(hw, "ethernet_mac", value(q, "EthernetMAC"));
        put(hw, "imei", string(q, "IMEI"));
        put(hw, "meid", string(q, "MEID"));
        put(m, "hardware", hw);

        Map<String, Object> os = new LinkedHashMap<>();
        put(os, "version", string(q, "OSVersion"));
        put(os, "build", string(q, "BuildVersion"));
        put(os, "supplemental_build", string(q, "SupplementalBuildVersion"));
        put(os, "supplemental_extra", string(q, "SupplementalOSVersionExtra"));
        put(m, "os", os);

        Map<String, Object> storage = new LinkedHashMap<>();
        Double capacity = number(q, "DeviceCapacity");
        Double available = number(q, "AvailableDeviceCapacity");
        put(storage, "capacity_gb", capacity);
        put(storage, "available_gb", available);
        if (capacity != null && available != null && capacity > 0) {
            storage.put("used_percent", Math.round((capacity - available) / capacity * 1000) / 10.0);
        }
        put(m, "storage", storage);

        Map<String, Object> battery = new LinkedHashMap<>();
        Double level = number(q, "BatteryLevel");
        put(battery, "has_battery", bool(q, "HasBattery"));
        // Apple reports 0.0–1.0; -1 means the device has no battery or could not tell.
        if (level != null && level >= 0) {
            battery.put("level", level);
            battery.put("percent", (int) Math.round(level * 100));
        }
        put(m, "battery", battery);

        Map<String, Object> mgmt = new LinkedHashMap<>();
        put(mgmt, "supervised", bool(q, "IsSupervised"));
        put(mgmt, "multi_user", bool(q, "IsMultiUser"));
        put(mgmt, "activation_lock_enabled", bool(q, "IsActivationLockEnabled"));
        put(mgmt, "find_my_enabled", bool(q, "IsDeviceLocatorServiceEnabled"));
        put(mgmt, "lost_mode_enabled", bool(q, "IsMDMLostModeEnabled"));
        put(mgmt, "awaiting_configuration", bool(q, "AwaitingConfiguration"));
        put(m, "management", mgmt);

        put(m, "sip_enabled", bool(q, "SystemIntegrityProtectionEnabled"));

        Map<String, Object> cellular = new LinkedHashMap<>();
        put(cellular, "iccid", string(q, "ICCID"));
        put(cellular, "phone_number", string(q, "PhoneNumber"));
        put(cellular, "carrier", string(q, "CurrentCarrierNetwork"));
        put(m, "cellular", cellular);

        Map<String, Object> other = new LinkedHashMap<>();
        for (Map.Entry<String, NSObject> e : q.getHashMap().entrySet()) {
            if (!STRUCTURED.contains(e.getKey()) && !SKIPPED.contains(e.getKey()) && !(e.getValue() instanceof NSData)) {
                put(other, e.getKey(), PlistJson.toJsonValue(e.getValue()));
            }
        }
        put(m, "other", other);
        return m;
    }

    static Map<String, Object> securityInfo(NSDictionary s) {
        Map<String, Object> m = new LinkedHashMap<>();
        put(m, "passcode_present", bool(s, "PasscodePresent"));
        put(m, "passcode_compliant", bool(s, "PasscodeCompliant"));
        put(m, "passcode_compliant_with_profiles", bool(s, "PasscodeCompliantWithProfiles"));
        put(m, "auto_lock_time", value(s, "AutoLockTime"));
        put(m, "hardware_encryption_caps", value(s, "HardwareEncryptionCaps"));

        Map<String, Object> fv = new LinkedHashMap<>();
        put(fv, "enabled", bool(s, "FDE_Enabled"));
        put(fv, "has_personal_recovery_key", bool(s, "FDE_HasPersonalRecoveryKey"));
        put(fv, "has_institutional_recovery_key", bool(s, "FDE_HasInstitutionalRecoveryKey"));
        put(m, "filevault", fv);

        put(m, "sip_enabled", bool(s, "SystemIntegrityProtectionEnabled"));
        if (s.get("FirewallSettings") instanceof NSDictionary f) {
            Map<String, Object> fw = new LinkedHashMap<>();
            put(fw, "enabled", bool(f, "FirewallEnabled"));
            put(fw, "block_all_incoming", bool(f, "BlockAllIncoming"));
            put(fw, "stealth_mode", bool(f, "StealthMode"));
            put(m, "firewall", fw);
        }
        if (s.get("SecureBoot") instanceof NSDictionary b) {
            Map<String, Object> sb = new LinkedHashMap<>();
            put(sb, "level", string(b, "SecureBootLevel"));
            put(sb, "external_boot_level", string(b, "ExternalBootLevel"));
            put(m, "secure_boot", sb);
        }
        if (s.get("FirmwarePasswordStatus") instanceof NSDictionary p) {
            Map<String, Object> fp = new LinkedHashMap<>();
            put(fp, "exists", bool(p, "PasswordExists"));
            put(fp, "change_pending", bool(p, "ChangePending"));
            put(m, "firmware_password", fp);
        }
        if (s.get("ManagementStatus") instanceof NSDictionary ms) {
            Map<String, Object> st = new LinkedHashMap<>();
            put(st, "enrolled_via_dep", bool(ms, "EnrolledViaDEP"));
            put(st, "user_approved_enrollment", bool(ms, "UserApprovedEnrollment"));
            put(st, "user_enrollment", bool(ms, "IsUserEnrollment"));
            put(st, "activation_lock_manageable", bool(ms, "IsActivationLockManageable"));
            put(m, "management", st);
        }
        put(m, "recovery_lock_enabled", bool(s, "IsRecoveryLockEnabled"));
        put(m, "remote_desktop_enabled", bool(s, "RemoteDesktopEnabled"));
        put(m, "authenticated_root_volume_enabled", bool(s, "AuthenticatedRootVolumeEnabled"));
        put(m, "bootstrap_token_allowed_for_authentication", value(s, "BootstrapTokenAllowedForAuthentication"));
        return m;
    }

    static List<Map<String, Object>> applications(NSArray list) {
        List<Map<String, Object>> apps = new ArrayList<>();
        for (NSObject o : list.getArray()) {
            if (!(o instanceof NSDictionary a)) {
                continue;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            put(m, "identifier", string(a, "Identifier"));
            put(m, "name", string(a, "Name"));
            put(m, "short_version", string(a, "ShortVersion"));
            put(m, "version", string(a, "Version"));
            put(m, "bundle_size", value(a, "BundleSize"));
            put(m, "dynamic_size", value(a, "DynamicSize"));
            put(m, "installing", bool(a, "Installing"));
            put(m, "app_store_vendable", bool(a, "IsAppStoreVendable"));
            put(m, "external_version_identifier", value(a, "ExternalVersionIdentifier"));
            if (!m.isEmpty()) {
                apps.add(m);
            }
        }
        return sortByName(apps);
    }

    static List<Map<String, Object>> sortByName(List<Map<String, Object>> apps) {
        apps.sort((x, y) -> String.valueOf(x.get("name")).compareToIgnoreCase(String.valueOf(y.get("name"))));
        return apps;
    }

    /** New facts over old ones, section by section: a DeviceInformation that asked for a few keys keeps the rest. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> merge(Map<String, Object> old, Map<String, Object> fresh) {
        Map<String, Object> m = new LinkedHashMap<>(old);
        for (Map.Entry<String, Object> e : fresh.entrySet()) {
            if (e.getValue() instanceof Map<?, ?> f && m.get(e.getKey()) instanceof Map<?, ?> o) {
                m.put(e.getKey(), merge((Map<String, Object>) o, (Map<String, Object>) f));
            } else {
                m.put(e.getKey(), e.getValue());
            }
        }
        return m;
    }

    private static void put(Map<String, Object> m, String key, Object value) {
        if (value == null || value instanceof Map<?, ?> sub && sub.isEmpty()) {
            return;
        }
        m.put(key, value);
    }

    private static String string(NSDictionary d, String key) {
        NSObject o = d.get(key);
        return o instanceof NSString s ? s.getContent() : o instanceof NSNumber n ? n.toString() : null;
    }

    private static Boolean bool(NSDictionary d, String key) {
        NSObject o = d.get(key);
        if (o instanceof NSNumber n) {
            return n.boolValue();
        }
        if (o instanceof NSString s) {
            return Boolean.parseBoolean(s.getContent());
        }
        return null;
    }

    private static Double number(NSDictionary d, String key) {
        NSObject o = d.get(key);
        if (o instanceof NSNumber n) {
            return n.doubleValue();
        }
        if (o instanceof NSString s) {
            try {
                return Double.parseDouble(s.getContent());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    private static Object value(NSDictionary d, String key) {
        NSObject o = d.get(key);
        return o == null ? null : PlistJson.toJsonValue(o);
    }
}
