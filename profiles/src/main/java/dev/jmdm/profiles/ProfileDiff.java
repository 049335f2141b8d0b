package dev.jmdm.profiles;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Desired versus current profiles of one host (one enrollment channel): the installs and removals that
 * bring the device to what its assignments say.
 *
 * <ul>
 * <li>A desired profile the device lacks, or holds with another PayloadUUID, is installed. An edit is one
 * Install: InstallProfile with the same PayloadIdentifier replaces the old version on the device, and a
 * removal first would leave the device without the settings in between.</li>
 * <li>A reported profile that is not desired is removed only when the server manages it (the host's own
 * record says so, or its identifier is one of the server's profiles). Everything else on the device, the
 * enrollment profile and whatever the user or another tool installed, is left alone.</li>
 * </ul>
 * Removals come first, so a payload moving from one profile to another is never installed twice at once;
 * each group is ordered by identifier, so the same inputs give the same list.
 */
public final class ProfileDiff {
    private ProfileDiff() {
    }

    public static List<ProfileAction> compute(Collection<DesiredProfile> desired, Collection<CurrentProfile> reported,
            Set<String> serverManagedIdentifiers) {
        Map<String, DesiredProfile> wanted = new TreeMap<>();
        for (DesiredProfile d : desired) {
            if (wanted.putIfAbsent(d.identifier(), d) != null) {
                throw new IllegalArgumentException("the profile " + d.identifier() + " is desired twice");
            }
        }
        // A device lists an identifier once, but nothing here depends on it.
        Map<String, List<CurrentProfile>> present = new TreeMap<>();
        for (CurrentProfile c : reported) {
            present.computeIfAbsent(c.identifier(), k -> new ArrayList<>()).add(c);
        }

        List<ProfileAction> actions = new ArrayList<>();
        present.forEach((identifier, copies) -> {
            boolean managed = serverManagedIdentifiers.contains(identifier)
                    || copies.stream().anyMatch(CurrentProfile::managedByServer);
            if (!wanted.containsKey(identifier) && managed) {
                actions.add(new ProfileAction.Remove(identifier));
            }
        });
        wanted.forEach((identifier, d) -> {
            boolean upToDate = present.getOrDefault(identifier, List.of()).stream()
                    .anyMatch(c -> c.uuid().equalsIgnoreCase(d.uuid()));
            if (!upToDate) {
                actions.add(new ProfileAction.Install(identifier, d.uuid()));
            }
        });
        return List.copyOf(actions);
    }
}
