package dev.jmdm.cli.gitops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** $ENV{NAME} substitution: values in, missing names with their lines, escapes, masking. */
class SecretsTest {
    private final Secrets secrets = new Secrets(Map.of("WIFI_PASSWORD", "a&b<c>", "TOKEN", "t0k"));

    @Test
    void substitutesAndReportsWhatItUsedAndWhatIsMissing() {
        Secrets.Result r = secrets.substitute("one\npw=$ENV{WIFI_PASSWORD}\n$ENV{NOPE} and $ENV{TOKEN}\n$$ENV{TOKEN}");
        assertThat(r.text()).isEqualTo("one\npw=a&b<c>\n and t0k\n$ENV{TOKEN}");
        assertThat(r.used()).containsExactly("WIFI_PASSWORD", "TOKEN");
        assertThat(r.missing()).containsExactly(new Secrets.Missing("NOPE", 3));
    }

    @Test
    void xmlValuesAreEscapedSoThePlistStaysWellFormed() {
        assertThat(secrets.substituteXml("<string>$ENV{WIFI_PASSWORD}</string>").text()).isEqualTo("<string>a&amp;b&lt;c&gt;</string>");
    }

    @Test
    void masksTheValuesOfTheVariablesUsed() {
        assertThat(secrets.mask("refused: a&b<c> is not t0k", Set.of("WIFI_PASSWORD"))).isEqualTo("refused: **** is not t0k");
        assertThat(secrets.substitute("no references").missing()).isEqualTo(List.of());
    }
}
