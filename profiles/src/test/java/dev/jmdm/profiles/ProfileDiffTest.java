package dev.jmdm.profiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class ProfileDiffTest {
    private static final String WIFI = "com.example.wifi";
    private static final String VPN = "com.example.vpn";
    private static final String ENROLLMENT = "com.github.micromdm.nanomdm";
    private static final String USERS_OWN = "com.example.user-installed";
    private static final Set<String> SERVER = Set.of(WIFI, VPN, "com.example.dock");

    static Stream<Arguments> scenarios() {
        return Stream.of(
                Arguments.of("nothing desired, nothing reported", List.of(), List.of(), List.of()),
                Arguments.of("identical", List.of(desired(WIFI, "A", 1)), List.of(current(WIFI, "A", true)), List.of()),
                Arguments.of("identical, the device writes the UUID in lower case",
                        List.of(desired(WIFI, "ABCDEF", 1)), List.of(current(WIFI, "abcdef", true)), List.of()),
                Arguments.of("missing", List.of(desired(WIFI, "A", 1)), List.of(),
                        List.of(new ProfileAction.Install(WIFI, "A"))),
                Arguments.of("an edit is one install, no removal", List.of(desired(WIFI, "B", 2)), List.of(current(WIFI, "A", true)),
                        List.of(new ProfileAction.Install(WIFI, "B"))),
                Arguments.of("a server profile no longer desired is removed", List.of(), List.of(current(VPN, "V", false)),
                        List.of(new ProfileAction.Remove(VPN))),
                Arguments.of("a profile the host record says the server installed is removed",
                        List.of(), List.of(current("com.example.retired", "R", true)),
                        List.of(new ProfileAction.Remove("com.example.retired"))),
                Arguments.of("profiles the server never managed are left alone",
                        List.of(desired(WIFI, "A", 1)),
                        List.of(current(WIFI, "A", true), current(ENROLLMENT, "E", false), current(USERS_OWN, "U", false)),
                        List.of()),
                Arguments.of("removals first, each group by identifier",
                        List.of(desired("com.example.zoom", "Z", 1), desired(WIFI, "B", 2), desired("com.example.dock", "D", 1)),
                        List.of(current(WIFI, "A", true), current(VPN, "V", true), current("com.example.airprint", "P", true),
                                current(USERS_OWN, "U", false)),
                        List.of(new ProfileAction.Remove("com.example.airprint"), new ProfileAction.Remove(VPN),
                                new ProfileAction.Install("com.example.dock", "D"), new ProfileAction.Install(WIFI, "B"),
                                new ProfileAction.Install("com.example.zoom", "Z"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void bringsTheDeviceToWhatIsDesired(String name, List<DesiredProfile> desired, List<CurrentProfile> reported,
            List<ProfileAction> expected) {
        assertThat(ProfileDiff.compute(desired, reported, SERVER)).containsExactlyElementsOf(expected);
    }

    @Test
    void aProfileDesiredTwiceIsACallerBug() {
        assertThatThrownBy(() -> ProfileDiff.compute(List.of(desired(WIFI, "A", 1), desired(WIFI, "B", 2)), List.of(), SERVER))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(WIFI);
    }

    private static DesiredProfile desired(String identifier, String uuid, int version) {
        return new DesiredProfile(identifier, uuid, version);
    }

    private static CurrentProfile current(String identifier, String uuid, boolean managedByServer) {
        return new CurrentProfile(identifier, uuid, managedByServer);
    }
}
