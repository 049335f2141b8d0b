package dev.jmdm.policies;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The facts a rule may name, their types and where they come from. docs/policies.md lists the same
 * table; a test keeps the two in step.
 */
public final class FactCatalog {
    /** One documented fact. */
    public record Fact(String name, FactType type, String description) {
    }

    private static final Map<String, Fact> FACTS = new LinkedHashMap<>();

    static {
        add("device.os_version", FactType.VERSION, "OSVersion from DeviceInformation (15.2)");
        add("device.build_version", FactType.STRING, "BuildVersion from DeviceInformation (24C101)");
        add("device.model", FactType.STRING, "Model from DeviceInformation (Mac14,2)");
        add("device.model_name", FactType.STRING, "ModelName from DeviceInformation (MacBook Air)");
        add("device.product_name", FactType.STRING, "ProductName from DeviceInformation (Mac14,2, iPhone16,1)");
        add("device.serial_number", FactType.STRING, "the serial number the device reported");
        add("device.device_name", FactType.STRING, "DeviceName from DeviceInformation");
        add("device.supervised", FactType.BOOLEAN, "IsSupervised from DeviceInformation");
        add("device.capacity_gb", FactType.NUMBER, "DeviceCapacity from DeviceInformation, in GB");
        add("device.available_capacity_gb", FactType.NUMBER, "AvailableDeviceCapacity from DeviceInformation, in GB");
        add("device.battery_percent", FactType.NUMBER, "BatteryLevel from DeviceInformation, 0 to 100");
        add("device.activation_lock_enabled", FactType.BOOLEAN, "IsActivationLockEnabled from DeviceInformation");
        add("device.find_my_enabled", FactType.BOOLEAN, "IsDeviceLocatorServiceEnabled from DeviceInformation");
        add("security.filevault_enabled", FactType.BOOLEAN, "FDE_Enabled from SecurityInfo (macOS)");
        add("security.sip_enabled", FactType.BOOLEAN, "SystemIntegrityProtectionEnabled from SecurityInfo, else DeviceInformation (macOS)");
        add("security.firewall_enabled", FactType.BOOLEAN, "FirewallSettings.FirewallEnabled from SecurityInfo (macOS)");
        add("security.passcode_present", FactType.BOOLEAN, "PasscodePresent from SecurityInfo");
        add("security.passcode_compliant", FactType.BOOLEAN, "PasscodeCompliant from SecurityInfo");
        add("security.secure_boot_level", FactType.STRING, "SecureBoot.SecureBootLevel from SecurityInfo (full, medium, off)");
        add("security.recovery_lock_enabled", FactType.BOOLEAN, "IsRecoveryLockEnabled from SecurityInfo (macOS)");
        add("host.platform", FactType.STRING, "macos, ios, ipados, tvos, visionos, watchos");
        add("host.enrolled", FactType.BOOLEAN, "whether the host's device channel is enrolled now");
        add("host.enrolled_at", FactType.DATE, "when the host last enrolled");
        add("host.last_seen_at", FactType.DATE, "when the device last talked to the server");
        add("host.last_seen_age_hours", FactType.NUMBER, "hours since the device last talked to the server");
    }

    private FactCatalog() {
    }

    private static void add(String name, FactType type, String description) {
        FACTS.put(name, new Fact(name, type, description));
    }

    public static Optional<Fact> find(String name) {
        return Optional.ofNullable(FACTS.get(name));
    }

    public static java.util.Collection<Fact> all() {
        return java.util.Collections.unmodifiableCollection(FACTS.values());
    }
}
