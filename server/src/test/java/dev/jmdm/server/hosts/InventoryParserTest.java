package dev.jmdm.server.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import com.dd.plist.NSDictionary;
import dev.jmdm.server.plist.PlistCodec;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InventoryParserTest {
    static NSDictionary fixture(String path) throws IOException {
        try (InputStream in = InventoryParserTest.class.getResourceAsStream(path)) {
            assertThat(in).as(path).isNotNull();
            return PlistCodec.parseDictionary(in.readAllBytes());
        }
    }

    @Test
    void nanomdmCaptureGivesItsHostNameAndUdid() throws IOException {
        InventoryParser.Parsed p = InventoryParser.parse(fixture("/nanomdm/DeviceInformation.1.plist")).orElseThrow();
        assertThat(p.source()).isEqualTo(InventoryParser.DEVICE);
        assertThat(p.facts()).containsEntry("hostname", "fruit.example.com")
                .containsEntry("udid", "66ADE930-5FDF-5EC4-8429-15640684C489");
        // Keys the device did not send are absent, not null, and empty sections are left out.
        assertThat(p.facts()).doesNotContainKeys("serial_number", "hardware", "battery", "other");
    }

    @Test
    @SuppressWarnings("unchecked")
    void macDeviceInformationBecomesStructuredFacts() throws IOException {
        Map<String, Object> f = InventoryParser.parse(fixture("/hosts/DeviceInformation.macos.plist")).orElseThrow().facts();
        assertThat(f).containsEntry("serial_number", "C02ZX1YZMD6T").containsEntry("device_name", "Ada's MacBook Air")
                .containsEntry("sip_enabled", true);
        assertThat((Map<String, Object>) f.get("hardware")).containsEntry("model_name", "MacBook Air")
                .containsEntry("product_name", "Mac14,2").containsEntry("apple_silicon", true)
                .containsEntry("wifi_mac", "f0:2f:4b:44:55:66");
        assertThat((Map<String, Object>) f.get("os")).containsEntry("version", "15.1").containsEntry("build", "24B83");
        Map<String, Object> storage = (Map<String, Object>) f.get("storage");
        assertThat(storage).containsEntry("capacity_gb", 494.38).containsEntry("available_gb", 301.52).containsEntry("used_percent", 39.0);
        assertThat((Map<String, Object>) f.get("battery")).containsEntry("level", 0.87).containsEntry("percent", 87);
        assertThat((Map<String, Object>) f.get("management")).containsEntry("supervised", true).containsEntry("find_my_enabled", true)
                .containsEntry("activation_lock_enabled", false);
        // Answers without a structured place are kept under "other".
        assertThat((Map<String, Object>) f.get("other")).containsKey("OSUpdateSettings");
    }

    @Test
    @SuppressWarnings("unchecked")
    void securityInfoGivesFileVaultSipFirewallAndPasscode() throws IOException {
        InventoryParser.Parsed p = InventoryParser.parse(fixture("/hosts/SecurityInfo.macos.plist")).orElseThrow();
        assertThat(p.source()).isEqualTo(InventoryParser.SECURITY);
        Map<String, Object> f = p.facts();
        assertThat(f).containsEntry("passcode_present", true).containsEntry("sip_enabled", true);
        assertThat((Map<String, Object>) f.get("filevault")).containsEntry("enabled", true).containsEntry("has_personal_recovery_key", true);
        assertThat((Map<String, Object>) f.get("firewall")).containsEntry("enabled", true).containsEntry("stealth_mode", false);
        assertThat((Map<String, Object>) f.get("secure_boot")).containsEntry("level", "full");
        assertThat((Map<String, Object>) f.get("management")).containsEntry("user_approved_enrollment", true);
    }

    @Test
    @SuppressWarnings("unchecked")
    void installedApplicationsWithVersionsSortedByName() throws IOException {
        InventoryParser.Parsed p = InventoryParser.parse(fixture("/hosts/InstalledApplicationList.plist")).orElseThrow();
        assertThat(p.source()).isEqualTo(InventoryParser.APPS);
        List<Map<String, Object>> apps = (List<Map<String, Object>>) p.facts().get("apps");
        assertThat(apps).extracting(a -> a.get("name")).containsExactly("Microsoft Word", "Safari");
        assertThat(apps.get(1)).containsEntry("identifier", "com.apple.Safari").containsEntry("short_version", "18.1")
                .containsEntry("version", "20619.2.8.11.10").containsEntry("bundle_size", 31457280L);
    }

    @Test
    void answersToOtherCommandsAreNotInventory() {
        NSDictionary report = new NSDictionary();
        report.put("Status", "Acknowledged");
        report.put("ProfileList", new com.dd.plist.NSArray(0));
        assertThat(InventoryParser.parse(report)).isEmpty();
    }

    @Test
    @SuppressWarnings("unchecked")
    void aPartialAnswerKeepsTheOtherFacts() throws IOException {
        Map<String, Object> full = InventoryParser.parse(fixture("/hosts/DeviceInformation.macos.plist")).orElseThrow().facts();
        NSDictionary q = new NSDictionary();
        q.put("BatteryLevel", 0.5);
        Map<String, Object> merged = InventoryParser.merge(full, InventoryParser.deviceInformation(q));
        assertThat((Map<String, Object>) merged.get("battery")).containsEntry("percent", 50);
        assertThat((Map<String, Object>) merged.get("os")).containsEntry("version", "15.1");
        assertThat(merged).containsEntry("serial_number", "C02ZX1YZMD6T");
    }
}
