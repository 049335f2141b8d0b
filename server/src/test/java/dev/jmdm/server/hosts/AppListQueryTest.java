package dev.jmdm.server.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import com.dd.plist.NSArray;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSString;
import dev.jmdm.server.plist.PlistCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which InstalledApplicationList answers are the whole list, and what a filtered one does to the stored list. */
class AppListQueryTest {
    static NSDictionary command(String keys) {
        return PlistCodec.parseDictionary(("<?xml version=\"1.0\"?><plist><dict><key>RequestType</key>"
                + "<string>InstalledApplicationList</string>" + keys + "</dict></plist>").getBytes(StandardCharsets.UTF_8));
    }

    static Map<String, Object> app(String id, String name, String version, String shortVersion) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("identifier", id);
        m.put("name", name);
        if (version != null) {
            m.put("version", version);
        }
        if (shortVersion != null) {
            m.put("short_version", shortVersion);
        }
        return m;
    }

    static Map<String, Object> facts(List<Map<String, Object>> apps) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("apps", new ArrayList<>(apps));
        return m;
    }

    static List<String> ids(Map<String, Object> facts) {
        List<String> out = new ArrayList<>();
        for (Object a : (List<?>) facts.get("apps")) {
            out.add((String) ((Map<?, ?>) a).get("identifier"));
        }
        return out;
    }

    final Map<String, Object> stored = facts(List.of(app("a.pages", "Pages", "10", "1.0"), app("a.safari", "Safari", "20", "2.0"),
            app("x.tool", "Tool", "30", "3.0")));

    @Test
    void onlyAnUnfilteredCommandIsTheWholeList() {
        assertThat(AppListQuery.of(command("")).full()).isTrue();
        assertThat(AppListQuery.of(command("<key>ManagedAppsOnly</key><false/>")).full()).isTrue();
        assertThat(AppListQuery.of(command("<key>ManagedAppsOnly</key><true/>")).full()).isFalse();
        assertThat(AppListQuery.of(command("<key>Identifiers</key><array><string>a.safari</string></array>")).full()).isFalse();
        assertThat(AppListQuery.of(command("<key>Items</key><array><string>Name</string></array>")).full()).isFalse();
    }

    @Test
    void anItemsLimitedAnswerKeepsWhatItDidNotCarry() {
        AppListQuery q = AppListQuery.of(command("<key>Items</key><array><string>ShortVersion</string></array>"));
        Map<String, Object> out = q.applyTo(stored, facts(List.of(app("a.safari", "Safari", null, "2.1"))));
        assertThat(ids(out)).containsExactly("a.pages", "a.safari", "x.tool");
        Map<?, ?> safari = (Map<?, ?>) ((List<?>) out.get("apps")).get(1);
        assertThat(safari.get("short_version")).isEqualTo("2.1");
        assertThat(safari.get("version")).isEqualTo("20");
    }

    @Test
    void anIdentifierAskedForAndNotAnsweredIsGoneUnlessManagedAppsOnlyHidIt() {
        NSArray asked = new NSArray(new NSString("a.safari"), new NSString("x.tool"));
        NSDictionary byName = command("");
        byName.put("Identifiers", asked);
        Map<String, Object> answer = facts(List.of(app("a.safari", "Safari", "21", "2.1")));
        assertThat(ids(AppListQuery.of(byName).applyTo(stored, answer))).containsExactly("a.pages", "a.safari");

        NSDictionary managed = command("<key>ManagedAppsOnly</key><true/>");
        managed.put("Identifiers", asked);
        assertThat(ids(AppListQuery.of(managed).applyTo(stored, answer))).containsExactly("a.pages", "a.safari", "x.tool");
        assertThat(ids(AppListQuery.of(command("<key>ManagedAppsOnly</key><true/>")).applyTo(stored, facts(List.of()))))
                .containsExactly("a.pages", "a.safari", "x.tool");
    }
}
