package dev.jmdm.profiles;

import static dev.jmdm.profiles.HostProfileStateMachine.FollowUp.FORGET;
import static dev.jmdm.profiles.HostProfileStateMachine.FollowUp.NONE;
import static dev.jmdm.profiles.HostProfileStateMachine.FollowUp.SEND_COMMAND;
import static dev.jmdm.profiles.HostProfileStateMachine.FollowUp.SEND_PROFILE_LIST;
import static dev.jmdm.profiles.ProfileStatus.FAILED;
import static dev.jmdm.profiles.ProfileStatus.PENDING;
import static dev.jmdm.profiles.ProfileStatus.VERIFIED;
import static dev.jmdm.profiles.ProfileStatus.VERIFYING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jmdm.profiles.HostProfileStateMachine.Transition;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HostProfileStateMachineTest {
    private static final String ID = "com.example.wifi";
    private static final String UUID_1 = "7A8B9C0D-1E2F-4A3B-8C4D-5E6F7A8B9C0D";
    private static final String UUID_2 = "9F8E7D6C-5B4A-4392-8170-6F5E4D3C2B1A";
    private static final List<InstalledProfile> NOTHING = List.of();
    private static final List<InstalledProfile> HAS_V1 = List.of(new InstalledProfile(ID, UUID_1, "Wi-Fi", true));

    private final HostProfileStateMachine machine = new HostProfileStateMachine();

    @Test
    void anInstallIsQueuedAcknowledgedAndVerified() {
        Transition planned = machine.plan(null, new ProfileAction.Install(ID, UUID_1));
        assertThat(planned.state()).isEqualTo(HostProfileState.pending(ID, Operation.INSTALL, UUID_1));
        assertThat(planned.followUp()).isEqualTo(SEND_COMMAND);

        Transition queued = machine.commandQueued(planned.state(), "cmd-1");
        assertThat(queued.state().commandUuid()).isEqualTo("cmd-1");
        assertThat(queued.state().attempts()).isEqualTo(1);
        assertThat(queued.followUp()).isEqualTo(NONE);

        Transition acked = machine.acknowledged(queued.state(), "cmd-1");
        assertThat(acked.state().status()).isEqualTo(VERIFYING);
        assertThat(acked.followUp()).isEqualTo(SEND_PROFILE_LIST);

        Transition listed = machine.profileListReported(acked.state(), HAS_V1, Set.of());
        assertThat(listed.state().status()).isEqualTo(VERIFIED);
        assertThat(listed.followUp()).isEqualTo(NONE);
    }

    @Test
    void aLostAcknowledgementIsSettledByProfileList() {
        HostProfileState waiting = queued(null, "cmd-1");

        Transition listed = machine.profileListReported(waiting, HAS_V1, Set.of());

        assertThat(listed.state().status()).isEqualTo(VERIFIED);
        assertThat(listed.followUp()).isEqualTo(NONE);
        Transition lateAck = machine.acknowledged(listed.state(), "cmd-1");
        assertThat(lateAck.state()).isEqualTo(listed.state());
        assertThat(lateAck.followUp()).isEqualTo(NONE);
    }

    @Test
    void aCommandThatVanishedIsSentAgainButOneStillQueuedIsAwaited() {
        HostProfileState waiting = queued(null, "cmd-1");

        Transition stillQueued = machine.profileListReported(waiting, NOTHING, Set.of("cmd-1", "other"));
        assertThat(stillQueued.state()).isEqualTo(waiting);
        assertThat(stillQueued.followUp()).isEqualTo(NONE);

        Transition vanished = machine.profileListReported(waiting, NOTHING, Set.of("other"));
        assertThat(vanished.followUp()).isEqualTo(SEND_COMMAND);
        assertThat(vanished.state().status()).isEqualTo(PENDING);
        assertThat(vanished.state().commandUuid()).isNull();
        assertThat(vanished.state().detail()).contains("cmd-1 left the queue without a recorded answer");
    }

    @ParameterizedTest(name = "maxAttempts {0}")
    @ValueSource(ints = {1, 2, 3, 5})
    void errorsAreRetriedUpToMaxAttemptsThenFailedWithTheErrorChain(int maxAttempts) {
        HostProfileStateMachine bounded = new HostProfileStateMachine(maxAttempts, HostProfileStateMachine.PROFILE_NOT_FOUND);
        ErrorChain chain = ErrorChain.parse(errorAnswer("cmd", "MCInstallationErrorDomain", 4001,
                "Profile Installation Failed", "The profile “Wi-Fi” could not be installed."));
        HostProfileState state = bounded.plan(null, new ProfileAction.Install(ID, UUID_1)).state();

        for (int attempt = 1; attempt < maxAttempts; attempt++) {
            state = bounded.commandQueued(state, "cmd-" + attempt).state();
            Transition retried = bounded.error(state, "cmd-" + attempt, chain);
            assertThat(retried.followUp()).as("attempt %d", attempt).isEqualTo(SEND_COMMAND);
            assertThat(retried.state().status()).isEqualTo(PENDING);
            state = retried.state();
        }
        state = bounded.commandQueued(state, "cmd-last").state();
        Transition failed = bounded.error(state, "cmd-last", chain);

        assertThat(failed.state().status()).isEqualTo(FAILED);
        assertThat(failed.state().attempts()).isEqualTo(maxAttempts);
        assertThat(failed.followUp()).isEqualTo(NONE);
        assertThat(failed.state().detail()).isEqualTo("MCInstallationErrorDomain (4001): The profile “Wi-Fi” could not be installed.");
        assertThat(bounded.plan(failed.state(), new ProfileAction.Install(ID, UUID_1)).followUp())
                .as("the same version is not sent again by itself").isEqualTo(NONE);
    }

    @Test
    void aCommandFormatErrorFailsAtOnce() {
        HostProfileState waiting = queued(null, "cmd-1");

        Transition failed = machine.commandFormatError(waiting, "cmd-1", ErrorChain.of());

        assertThat(failed.state().status()).isEqualTo(FAILED);
        assertThat(failed.state().detail()).isEqualTo("CommandFormatError");
        assertThat(failed.followUp()).isEqualTo(NONE);
    }

    @Test
    void aProfileTheUserRemovedIsInstalledAgain() {
        HostProfileState verified = machine.profileListReported(queued(null, "cmd-1"), HAS_V1, Set.of()).state();
        HostProfileState afterRetries = new HostProfileState(ID, Operation.INSTALL, VERIFIED, UUID_1, "cmd-3", 3, null);

        for (HostProfileState state : List.of(verified, afterRetries)) {
            Transition gone = machine.profileListReported(state, NOTHING, Set.of());
            assertThat(gone.followUp()).isEqualTo(SEND_COMMAND);
            assertThat(gone.state().status()).isEqualTo(PENDING);
            assertThat(gone.state().attempts()).as("a reinstall is a new round").isZero();
            assertThat(gone.state().detail()).contains("removed from the device");
        }
    }

    @Test
    void anOlderVersionOnTheDeviceIsNotTheInstalledOne() {
        HostProfileState verifying = new HostProfileState(ID, Operation.INSTALL, VERIFYING, UUID_2, "cmd-1", 1, null);

        Transition listed = machine.profileListReported(verifying, HAS_V1, Set.of());

        assertThat(listed.followUp()).isEqualTo(SEND_COMMAND);
        assertThat(listed.state().detail()).contains("acknowledged InstallProfile but does not list the profile");
        HostProfileState outOfAttempts = new HostProfileState(ID, Operation.INSTALL, VERIFYING, UUID_2, "cmd-3", 3, null);
        assertThat(machine.profileListReported(outOfAttempts, HAS_V1, Set.of()).state().status()).isEqualTo(FAILED);
    }

    @Test
    void aFailedInstallTheDeviceListsAnywayIsVerified() {
        HostProfileState failed = new HostProfileState(ID, Operation.INSTALL, FAILED, UUID_1, "cmd-3", 3, "timeout");

        assertThat(machine.profileListReported(failed, HAS_V1, Set.of()).state())
                .isEqualTo(new HostProfileState(ID, Operation.INSTALL, VERIFIED, UUID_1, "cmd-3", 3, null));
        assertThat(machine.profileListReported(failed, NOTHING, Set.of()).state()).isEqualTo(failed);
    }

    @Test
    void answersToOtherCommandsChangeNothing() {
        HostProfileState waiting = queued(null, "cmd-2");

        assertThat(machine.acknowledged(waiting, "cmd-1").state()).isEqualTo(waiting);
        assertThat(machine.error(waiting, "cmd-1", ErrorChain.of()).state()).isEqualTo(waiting);
        assertThat(machine.commandFormatError(waiting, "cmd-1", ErrorChain.of()).state()).isEqualTo(waiting);
    }

    @Test
    void anEditStartsANewRoundAndTheSameActionDoesNot() {
        HostProfileState waiting = queued(null, "cmd-1");

        Transition again = machine.plan(waiting, new ProfileAction.Install(ID, UUID_1));
        assertThat(again.state()).isEqualTo(waiting);
        assertThat(again.followUp()).isEqualTo(NONE);

        Transition edit = machine.plan(waiting, new ProfileAction.Install(ID, UUID_2));
        assertThat(edit.state()).isEqualTo(HostProfileState.pending(ID, Operation.INSTALL, UUID_2));
        assertThat(edit.followUp()).isEqualTo(SEND_COMMAND);
        assertThat(machine.plan(edit.state(), new ProfileAction.Install(ID, UUID_2)).followUp())
                .as("planned but never queued: still to send").isEqualTo(SEND_COMMAND);
    }

    @Test
    void aRemovalIsDoneWhenAcknowledged() {
        HostProfileState removing = queued(new ProfileAction.Remove(ID), "cmd-1");
        assertThat(removing.operation()).isEqualTo(Operation.REMOVE);

        Transition acked = machine.acknowledged(removing, "cmd-1");

        assertThat(acked.state().status()).isEqualTo(VERIFIED);
        assertThat(acked.followUp()).isEqualTo(FORGET);
    }

    @Test
    void removingAProfileTheDeviceDoesNotHaveCountsAsRemoved() {
        HostProfileState removing = queued(new ProfileAction.Remove(ID), "cmd-1");
        ErrorChain notFound = ErrorChain.parse(errorAnswer("cmd-1", "MDMClientError", 89, null,
                "Profile with identifier 'com.example.wifi' not found."));

        Transition answered = machine.error(removing, "cmd-1", notFound);

        assertThat(answered.state().status()).isEqualTo(VERIFIED);
        assertThat(answered.followUp()).isEqualTo(FORGET);
    }

    @Test
    void anotherRemovalErrorIsRetried() {
        HostProfileState removing = queued(new ProfileAction.Remove(ID), "cmd-1");

        Transition answered = machine.error(removing, "cmd-1", ErrorChain.of(new ErrorChain.Item("MDMClientError", 96, "busy")));

        assertThat(answered.state().status()).isEqualTo(PENDING);
        assertThat(answered.followUp()).isEqualTo(SEND_COMMAND);
        assertThat(answered.state().detail()).isEqualTo("MDMClientError (96): busy");
    }

    @Test
    void profileListSettlesARemoval() {
        HostProfileState removing = queued(new ProfileAction.Remove(ID), "cmd-1");

        Transition gone = machine.profileListReported(removing, NOTHING, Set.of("cmd-1"));
        assertThat(gone.state().status()).isEqualTo(VERIFIED);
        assertThat(gone.followUp()).isEqualTo(FORGET);

        Transition stillThere = machine.profileListReported(removing, HAS_V1, Set.of("cmd-1"));
        assertThat(stillThere.state()).isEqualTo(removing);
        assertThat(stillThere.followUp()).isEqualTo(NONE);

        Transition backAgain = machine.profileListReported(gone.state(), HAS_V1, Set.of());
        assertThat(backAgain.state().status()).isEqualTo(PENDING);
        assertThat(backAgain.followUp()).isEqualTo(SEND_COMMAND);
    }

    @Test
    void removingAnInstalledProfileStartsARemoveRound() {
        HostProfileState installed = new HostProfileState(ID, Operation.INSTALL, VERIFIED, UUID_1, "cmd-1", 1, null);

        Transition remove = machine.plan(installed, new ProfileAction.Remove(ID));

        assertThat(remove.state()).isEqualTo(HostProfileState.pending(ID, Operation.REMOVE, UUID_1));
        assertThat(remove.followUp()).isEqualTo(SEND_COMMAND);
    }

    @Test
    void retryStartsAFailedRoundAgain() {
        HostProfileState failed = new HostProfileState(ID, Operation.INSTALL, FAILED, UUID_1, "cmd-3", 3, "no");

        Transition retry = machine.retry(failed);

        assertThat(retry.state()).isEqualTo(HostProfileState.pending(ID, Operation.INSTALL, UUID_1));
        assertThat(retry.followUp()).isEqualTo(SEND_COMMAND);
    }

    @Test
    void misuseIsRefused() {
        HostProfileState verified = new HostProfileState(ID, Operation.INSTALL, VERIFIED, UUID_1, "cmd-1", 1, null);

        assertThatThrownBy(() -> machine.commandQueued(verified, "cmd-2")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> machine.plan(verified, new ProfileAction.Remove("com.example.other")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HostProfileStateMachine(0, HostProfileStateMachine.PROFILE_NOT_FOUND))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HostProfileState.pending(ID, Operation.INSTALL, null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** A state waiting on commandUuid: an install of UUID_1 when action is null. */
    private HostProfileState queued(ProfileAction action, String commandUuid) {
        HostProfileState planned = machine.plan(null, action == null ? new ProfileAction.Install(ID, UUID_1) : action).state();
        return machine.commandQueued(planned, commandUuid).state();
    }

    /** A device's Error answer as it PUTs it. */
    static byte[] errorAnswer(String commandUuid, String domain, long code, String localized, String english) {
        return TestProfiles.plist(TestProfiles.entry("CommandUUID", TestProfiles.string(commandUuid))
                + TestProfiles.entry("ErrorChain", "<array><dict>"
                        + TestProfiles.entry("ErrorCode", "<integer>" + code + "</integer>")
                        + TestProfiles.entry("ErrorDomain", TestProfiles.string(domain))
                        + (localized == null ? "" : TestProfiles.entry("LocalizedDescription", TestProfiles.string(localized)))
                        + TestProfiles.entry("USEnglishDescription", TestProfiles.string(english))
                        + "</dict></array>")
                + TestProfiles.entry("Status", TestProfiles.string("Error"))
                + TestProfiles.entry("UDID", TestProfiles.string("00008020-000915083C80012E")))
                .getBytes(StandardCharsets.UTF_8);
    }
}
