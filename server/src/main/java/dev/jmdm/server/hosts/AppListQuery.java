package dev.jmdm.server.hosts;

import com.dd.plist.NSArray;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSNumber;
import com.dd.plist.NSObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What an InstalledApplicationList command asked for. Only an unfiltered answer is the whole list
 * and may replace the host's apps; an answer filtered by Identifiers, ManagedAppsOnly or Items
 * (application.installed.list.yaml) updates just the apps it names.
 *
 * @param identifiers  the Identifiers filter, empty when the command had none
 * @param managedOnly  ManagedAppsOnly was true
 * @param itemsLimited Items named which attributes to return, so an app's other attributes are not in the answer
 */
record AppListQuery(Set<String> identifiers, boolean managedOnly, boolean itemsLimited) {
    static final AppListQuery FULL = new AppListQuery(Set.of(), false, false);

    static AppListQuery of(NSDictionary command) {
        Set<String> ids = new LinkedHashSet<>();
        if (command.get("Identifiers") instanceof NSArray a) {
            for (NSObject o : a.getArray()) {
                ids.add(o.toString());
            }
        }
        boolean managed = command.get("ManagedAppsOnly") instanceof NSNumber n && n.boolValue();
        boolean items = command.get("Items") instanceof NSArray a && a.count() > 0;
        return new AppListQuery(Set.copyOf(ids), managed, items);
    }

    boolean full() {
        return identifiers.isEmpty() && !managedOnly && !itemsLimited;
    }

    /**
     * The host's apps after a filtered answer: each answered app is merged over the stored one (an
     * Items-limited answer keeps the attributes it did not carry), the rest stay. An identifier that
     * was asked for by name and not answered is not installed, unless ManagedAppsOnly may have hidden it.
     */
    Map<String, Object> applyTo(Map<String, Object> stored, Map<String, Object> answered) {
        Map<String, Map<String, Object>> byId = new LinkedHashMap<>();
        List<Map<String, Object>> unnamed = new ArrayList<>();
        for (Map<String, Object> app : apps(stored)) {
            if (app.get("identifier") instanceof String id) {
                byId.put(id, app);
            } else {
                unnamed.add(app);
            }
        }
        Set<String> seen = new LinkedHashSet<>();
        for (Map<String, Object> app : apps(answered)) {
            if (app.get("identifier") instanceof String id) {
                seen.add(id);
                byId.merge(id, app, InventoryParser::merge);
            }
        }
        if (!managedOnly) {
            identifiers.stream().filter(id -> !seen.contains(id)).forEach(byId::remove);
        }
        List<Map<String, Object>> all = new ArrayList<>(byId.values());
        all.addAll(unnamed);
        Map<String, Object> out = new LinkedHashMap<>(stored);
        out.put("apps", InventoryParser.sortByName(all));
        return out;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> apps(Map<String, Object> facts) {
        return facts.get("apps") instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
    }
}
