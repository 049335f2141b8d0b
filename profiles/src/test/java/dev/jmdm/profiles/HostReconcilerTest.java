package dev.jmdm.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jmdm.profiles.HostReconciler.Change;
import dev.jmdm.profiles.HostReconciler.Report;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The decisions the server's sweeps and ProfileList answers act on, one host at a time. */
class HostReconcilerTest {
    private static final String WIFI = "com.example.wifi";
    private static final String VPN = "com.example.vpn";
    private static final String V1 = "7A8B9C0D-1E2F-4A3B-8C4D-5E6F7A8B9C0D";
    private static final String V2 = "9F8E7D6C-5B4A-4392-8170-6F5E4D3C2B1A";

    private final HostReconciler reconciler = new HostReconciler(new HostProfileStateMachine());

    private static Map<String, DesiredProfile> wants(String uuid) {
        return Map.of(WIFI, new DesiredProfile(WIFI, uuid, 1));
    }

    private static Map<String, TrackedProfile> tracks(HostProfileState state, String installedUuid) {
        return Map.of(state.identifier(), new TrackedProfile(state, installedUuid));
    }

    private static HostProfileState state(Operation op, ProfileStatus status, String uuid, String command) {
        return new HostProfileState(WIFI, op, status, uuid, command, command == null ? 0 : 1, null);
    }

    private List<Change> fromTracked(Map<String, DesiredProfile> desired, Map<String, TrackedProfile> tracked) {
        return reconciler.reconcile(desired, tracked, null, Set.of());
    }

    private static Change only(List<Change> changes) {
        assertThat(changes).hasSize(1);
        return changes.get(0);
    }

    @Test
    void aDesiredProfileTheHostLacksIsInstalled() {
        Change c = only(fromTracked(wants(V1), Map.of()));
        assertThat(c.next().state()).isEqualTo(HostProfileState.pending(WIFI, Operation.INSTALL, V1));
        assertThat(c.sends()).isTrue();
        assertThat(c.cancelCommand()).isNull();
    }

    @Test
    void anAppliedProfileIsLeftAlone() {
        assertThat(fromTracked(wants(V1), tracks(state(Operation.INSTALL, ProfileStatus.VERIFIED, V1, "c1"), V1))).isEmpty();
        assertThat(fromTracked(wants(V1), tracks(state(Operation.INSTALL, ProfileStatus.VERIFYING, V1, "c1"), V1))).isEmpty();
        // Waiting for the device's answer is no reason to send again.
        assertThat(fromTracked(wants(V1), tracks(state(Operation.INSTALL, ProfileStatus.PENDING, V1, "c1"), null))).isEmpty();
        // PayloadUUIDs compare without regard to case.
        assertThat(fromTracked(wants(V1.toLowerCase()), tracks(state(Operation.INSTALL, ProfileStatus.VERIFIED, V1, "c1"), V1)))
                .isEmpty();
    }

    @Test
    void aNewVersionIsOneInstallNeverARemovalFirst() {
        Change c = only(fromTracked(wants(V2), tracks(state(Operation.INSTALL, ProfileStatus.VERIFIED, V1, "c1"), V1)));
        assertThat(c.next().state()).isEqualTo(HostProfileState.pending(WIFI, Operation.INSTALL, V2));
        assertThat(c.next().installedUuid()).isEqualTo(V1);
        assertThat(c.sends()).isTrue();
        assertThat(c.cancelCommand()).isNull();
    }

    @Test
    void aNewVersionCancelsTheOldVersionsWaitingInstall() {
        Change c = only(fromTracked(wants(V2), tracks(state(Operation.INSTALL, ProfileStatus.PENDING, V1, "c1"), null)));
        assertThat(c.cancelCommand()).isEqualTo("c1");
        assertThat(c.next().state()).isEqualTo(HostProfileState.pending(WIFI, Operation.INSTALL, V2));
        assertThat(c.sends()).isTrue();
        assertThat(c.forgetIfCanceled()).isFalse();
    }

    @Test
    void anUnwantedProfileTheDeviceHoldsIsRemoved() {
        Change c = only(fromTracked(Map.of(), tracks(state(Operation.INSTALL, ProfileStatus.VERIFIED, V1, "c1"), V1)));
        assertThat(c.next().state().operation()).isEqualTo(Operation.REMOVE);
        assertThat(c.next().state().status()).isEqualTo(ProfileStatus.PENDING);
        assertThat(c.sends()).isTrue();
        assertThat(c.cancelCommand()).isNull();
    }

    @Test
    void anUnwantedInstallStillWaitingIsCancelledAndForgottenIfTheDeviceHeldNoVersion() {
        Change c = only(fromTracked(Map.of(), tracks(state(Operation.INSTALL, ProfileStatus.PENDING, V1, "c1"), null)));
        assertThat(c.cancelCommand()).isEqualTo("c1");
        assertThat(c.forgetIfCanceled()).isTrue();
        // Should the cancel fail, the removal goes out instead.
        assertThat(c.next().state().operation()).isEqualTo(Operation.REMOVE);
        assertThat(c.sends()).isTrue();

        Change held = only(fromTracked(Map.of(), tracks(state(Operation.INSTALL, ProfileStatus.PENDING, V2, "c2"), V1)));
        assertThat(held.cancelCommand()).isEqualTo("c2");
        assertThat(held.forgetIfCanceled()).as("the device still holds v1").isFalse();
    }

    @Test
    void anUnwantedProfileTheDeviceNeverGotIsForgottenWithoutACommand() {
        for (HostProfileState s : List.of(state(Operation.INSTALL, ProfileStatus.PENDING, V1, null),
                state(Operation.INSTALL, ProfileStatus.FAILED, V1, "c1"))) {
            Change c = only(fromTracked(Map.of(), tracks(s, null)));
            assertThat(c.next()).as(s.status().toString()).isNull();
            assertThat(c.sends()).isFalse();
            assertThat(c.cancelCommand()).isNull();
        }
    }

    @Test
    void aFailedInstallStaysFailedUntilANewVersion() {
        HostProfileState failed = new HostProfileState(WIFI, Operation.INSTALL, ProfileStatus.FAILED, V1, "c3", 3, "refused");
        assertThat(fromTracked(wants(V1), tracks(failed, null))).isEmpty();

        Change c = only(fromTracked(wants(V2), tracks(failed, null)));
        assertThat(c.next().state()).isEqualTo(HostProfileState.pending(WIFI, Operation.INSTALL, V2));
        assertThat(c.sends()).isTrue();
        assertThat(c.cancelCommand()).as("a failed round waits on nothing").isNull();
    }

    @Test
    void aProfileWantedAgainWhileItsRemovalWaitsCancelsTheRemoval() {
        Change c = only(fromTracked(wants(V1), tracks(state(Operation.REMOVE, ProfileStatus.PENDING, V1, "r1"), V1)));
        assertThat(c.cancelCommand()).isEqualTo("r1");
        assertThat(c.next().state()).isEqualTo(HostProfileState.pending(WIFI, Operation.INSTALL, V1));
        assertThat(c.sends()).isTrue();
    }

    @Test
    void aRemovalNotSentYetIsSentAndOneUnderWayIsLeftAlone() {
        Change c = only(fromTracked(Map.of(), tracks(state(Operation.REMOVE, ProfileStatus.PENDING, V1, null), V1)));
        assertThat(c.sends()).isTrue();
        assertThat(fromTracked(Map.of(), tracks(state(Operation.REMOVE, ProfileStatus.PENDING, V1, "r1"), V1))).isEmpty();
    }

    @Test
    void aProfileListShowingAVerifiedProfileGoneReinstallsIt() {
        Report nothing = new Report(List.of(), Set.of());
        Change c = only(reconciler.reconcile(wants(V1), tracks(state(Operation.INSTALL, ProfileStatus.VERIFIED, V1, "c1"), V1),
                nothing, Set.of(WIFI)));
        assertThat(c.next().state().status()).isEqualTo(ProfileStatus.PENDING);
        assertThat(c.next().state().uuid()).isEqualTo(V1);
        assertThat(c.next().installedUuid()).isNull();
        assertThat(c.sends()).isTrue();
    }

    @Test
    void aProfileListAdoptsTheDesiredVersionRemovesServerProfilesAndLeavesTheRestAlone() {
        Report listed = new Report(List.of(new InstalledProfile(WIFI, V1.toLowerCase(), "Wi-Fi", true),
                new InstalledProfile(VPN, V2, "VPN", true),
                new InstalledProfile("com.other.tool", V2, "Other", true)), Set.of());
        List<Change> changes = reconciler.reconcile(wants(V1), Map.of(), listed, Set.of(WIFI, VPN));

        assertThat(changes).extracting(Change::identifier).containsExactly(VPN, WIFI);
        Change vpn = changes.get(0);
        assertThat(vpn.next().state().operation()).isEqualTo(Operation.REMOVE);
        assertThat(vpn.sends()).isTrue();
        Change wifi = changes.get(1);
        assertThat(wifi.next().state().status()).isEqualTo(ProfileStatus.VERIFIED);
        assertThat(wifi.sends()).as("already there: nothing to send").isFalse();
    }

    @Test
    void aProfileListLeavesAWaitingCommandWaiting() {
        Report listed = new Report(List.of(), Set.of("c1"));
        assertThat(reconciler.reconcile(wants(V1), tracks(state(Operation.INSTALL, ProfileStatus.PENDING, V1, "c1"), null),
                listed, Set.of(WIFI))).isEmpty();
    }
}
