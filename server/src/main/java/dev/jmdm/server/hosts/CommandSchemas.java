package dev.jmdm.server.hosts;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The request types the command builder knows, with their keys, hand-copied from Apple's
 * command schemas (github.com/apple/device-management, branch release, commit b6202ca,
 * mdm/commands/*.yaml, MIT licence). {@code CommandSchemasTest} checks this table against copies
 * of those files, so a typo here fails the build.
 */
final class CommandSchemas {
    /** Value types as the schemas name them. */
    enum Type {
        STRING("<string>"), INTEGER("<integer>"), BOOLEAN("<boolean>"), REAL("<real>"), DATA("<data>"), ARRAY("<array>"),
        DICTIONARY("<dictionary>");

        final String yaml;

        Type(String yaml) {
            this.yaml = yaml;
        }
    }

    /**
     * One key of a command.
     *
     * @param allowed  allowed string values (for arrays: of their items); empty means any
     */
    record Key(String name, Type type, boolean required, Set<String> allowed) {
        static Key optional(String name, Type type) {
            return new Key(name, type, false, Set.of());
        }

        static Key required(String name, Type type) {
            return new Key(name, type, true, Set.of());
        }

        Key allowing(Set<String> values) {
            return new Key(name, type, required, values);
        }
    }

    /**
     * A request type.
     *
     * @param schemaFile the Apple schema it comes from
     * @param hostAction the host endpoint that must be used instead (null: the builder may queue it)
     */
    record Spec(String requestType, String schemaFile, List<Key> keys, String hostAction) {
        Key key(String name) {
            for (Key k : keys) {
                if (k.name().equals(name)) {
                    return k;
                }
            }
            return null;
        }
    }

    /** Every DeviceInformation query Apple documents (information.device.yaml, Queries items). */
    static final Set<String> DEVICE_INFORMATION_QUERIES = Set.of("UDID", "ProvisioningUDID", "OrganizationInfo", "MDMOptions",
            "LastCloudBackupDate", "AwaitingConfiguration", "iTunesStoreAccountIsActive", "iTunesStoreAccountHash", "DeviceName",
            "OSVersion", "SupplementalOSVersionExtra", "BuildVersion", "SupplementalBuildVersion", "ModelName", "Model",
            "ModelNumber", "IsAppleSilicon", "ProductName", "SerialNumber", "DeviceCapacity", "AvailableDeviceCapacity", "IMEI",
            "MEID", "ModemFirmwareVersion", "CellularTechnology", "BatteryLevel", "HasBattery", "IsSupervised", "IsMultiUser",
            "IsDeviceLocatorServiceEnabled", "IsActivationLockEnabled", "IsActivationLockSupported", "IsDoNotDisturbInEffect",
            "DeviceID", "EASDeviceIdentifier", "IsCloudBackupEnabled", "ActiveManagedUsers", "OSUpdateSettings", "LocalHostName",
            "HostName", "AutoSetupAdminAccounts", "SystemIntegrityProtectionEnabled", "SupportsLOMDevice", "IsMDMLostModeEnabled",
            "MaximumResidentUsers", "EstimatedResidentUsers", "QuotaSize", "ResidentUsers", "UserSessionTimeout",
            "TemporarySessionTimeout", "TemporarySessionOnly", "ManagedAppleIDDefaultDomains", "OnlineAuthenticationGracePeriod",
            "SkipLanguageAndLocaleSetupForNewUsers", "PushToken", "DiagnosticSubmissionEnabled", "AppAnalyticsEnabled", "TimeZone",
            "ICCID", "BluetoothMAC", "WiFiMAC", "EthernetMAC", "CurrentCarrierNetwork", "SIMCarrierNetwork",
            "SubscriberCarrierNetwork", "CarrierSettingsVersion", "PhoneNumber", "DataRoamingEnabled", "VoiceRoamingEnabled",
            "PersonalHotspotEnabled", "IsNetworkTethered", "IsRoaming", "SubscriberMCC", "SubscriberMNC", "CurrentMCC",
            "CurrentMNC", "ServiceSubscriptions", "PINRequiredForEraseDevice", "PINRequiredForDeviceLock",
            "SupportsiOSAppInstalls", "SoftwareUpdateDeviceID", "SoftwareUpdateSettings", "AccessibilitySettings",
            "DevicePropertiesAttestation", "EACSPreflight");

    static final Map<String, Spec> SPECS = new LinkedHashMap<>();

    static {
        add("DeviceInformation", "information.device.yaml", null,
                Key.required("Queries", Type.ARRAY).allowing(DEVICE_INFORMATION_QUERIES),
                Key.optional("DeviceAttestationNonce", Type.DATA));
        add("SecurityInfo", "information.security.yaml", null);
        add("InstalledApplicationList", "application.installed.list.yaml", null,
                Key.optional("Identifiers", Type.ARRAY), Key.optional("ManagedAppsOnly", Type.BOOLEAN), Key.optional("Items", Type.ARRAY));
        add("ManagedApplicationList", "application.managed.list.yaml", null, Key.optional("Identifiers", Type.ARRAY));
        add("ProfileList", "profile.list.yaml", null, Key.optional("ManagedOnly", Type.BOOLEAN));
        add("RemoveProfile", "profile.remove.yaml", null, Key.required("Identifier", Type.STRING));
        add("ProvisioningProfileList", "profile.provisioning.list.yaml", null, Key.optional("ManagedOnly", Type.BOOLEAN));
        add("CertificateList", "certificate.list.yaml", null, Key.optional("ManagedOnly", Type.BOOLEAN));
        add("Restrictions", "device.restrictions.list.yaml", null, Key.optional("ProfileRestrictions", Type.BOOLEAN));
        add("UserList", "user.list.yaml", null);
        add("ActivationLockBypassCode", "device.activationlock.bypasscode.yaml", null);
        add("ScheduleOSUpdateScan", "system.update.scan.yaml", null, Key.optional("Force", Type.BOOLEAN));
        add("AvailableOSUpdates", "system.update.available.yaml", null);
        add("OSUpdateStatus", "system.update.status.yaml", null);
        add("ShutDownDevice", "device.shutdown.yaml", null);
        add("RestartDevice", "device.restart.yaml", "POST /v1/hosts/{id}/restart",
                Key.optional("RebuildKernelCache", Type.BOOLEAN), Key.optional("KextPaths", Type.ARRAY),
                Key.optional("NotifyUser", Type.BOOLEAN));
        add("DeviceLock", "device.lock.yaml", "POST /v1/hosts/{id}/lock",
                Key.optional("Message", Type.STRING), Key.optional("PhoneNumber", Type.STRING), Key.optional("PIN", Type.STRING));
        add("EraseDevice", "device.erase.yaml", "POST /v1/hosts/{id}/wipe",
                Key.optional("PreserveDataPlan", Type.BOOLEAN), Key.optional("DisallowProximitySetup", Type.BOOLEAN),
                Key.optional("PIN", Type.STRING),
                Key.optional("ObliterationBehavior", Type.STRING).allowing(Set.of("Default", "DoNotObliterate", "ObliterateWithWarning", "Always")),
                Key.optional("ReturnToService", Type.DICTIONARY));
        add("ClearPasscode", "passcode.clear.yaml", "POST /v1/hosts/{id}/clear-passcode", Key.required("UnlockToken", Type.DATA));
    }

    private CommandSchemas() {
    }

    private static void add(String requestType, String file, String hostAction, Key... keys) {
        SPECS.put(requestType, new Spec(requestType, file, List.of(keys), hostAction));
    }

    static Spec spec(String requestType) {
        return SPECS.get(requestType);
    }
}
