package dev.jmdm.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ErrorChainTest {
    @Test
    void readsADevicesErrorAnswer() {
        ErrorChain chain = ErrorChain.parse(HostProfileStateMachineTest.errorAnswer("cmd-1", "MDMClientError", 89,
                "Profil introuvable", "Profile with identifier 'com.example.wifi' not found."));

        assertThat(chain.items()).containsExactly(
                new ErrorChain.Item("MDMClientError", 89, "Profile with identifier 'com.example.wifi' not found."));
        assertThat(chain.contains("MDMClientError", 89)).isTrue();
        assertThat(chain.contains("MDMClientError", 96)).isFalse();
        assertThat(HostProfileStateMachine.PROFILE_NOT_FOUND.test(chain)).isTrue();
        assertThat(chain.text()).isEqualTo("MDMClientError (89): Profile with identifier 'com.example.wifi' not found.");
    }

    @Test
    void anAnswerWithoutAChainHasAnEmptyOne() {
        byte[] acknowledged = TestProfiles.bytes(TestProfiles.plist(TestProfiles.entry("Status", TestProfiles.string("Acknowledged"))));

        assertThat(ErrorChain.parse(acknowledged).isEmpty()).isTrue();
        assertThat(ErrorChain.parse(acknowledged).text()).isEmpty();
    }

    @Test
    void joinsTheChainInOrder() {
        ErrorChain chain = ErrorChain.of(new ErrorChain.Item("MCInstallationErrorDomain", 4001, "Profile Installation Failed"),
                new ErrorChain.Item("MCPayloadErrorDomain", 2003, null));

        assertThat(chain.text()).isEqualTo("MCInstallationErrorDomain (4001): Profile Installation Failed; MCPayloadErrorDomain (2003)");
    }
}
