package dev.jmdm.server.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretBoxTest {
    @Test
    void sealedSecretsOpenOnlyWithTheSameKey() {
        SecretBox box = SecretBox.fromSecret("a-long-enough-secret-key");
        String sealed = box.seal("-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----");
        assertThat(sealed).startsWith("v1:").doesNotContain("PRIVATE KEY");
        assertThat(box.seal("same")).isNotEqualTo(box.seal("same")); // fresh nonce every time
        assertThat(SecretBox.fromSecret("a-long-enough-secret-key").open(sealed)).contains("abc");
        assertThatThrownBy(() -> SecretBox.fromSecret("another-secret-key-entirely").open(sealed))
                .isInstanceOf(SecretBox.WrongKeyException.class).hasMessageContaining("MDM_SECRET_KEY");
        assertThat(box.open("plain value from before encryption")).isEqualTo("plain value from before encryption");
    }

    @Test
    void theKeyFileIsMadeOnceWithOwnerOnlyPermissionsAndReused(@TempDir Path dir) throws Exception {
        String sealed = SecretBox.fromKeyFile(dir).seal("secret");
        Path file = dir.resolve(SecretBox.KEY_FILE);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(SecretBox.fromKeyFile(dir).open(sealed)).isEqualTo("secret");
    }

    @Test
    void boundValuesOpenOnlyForThePlaceTheyWereSealedFor() {
        SecretBox box = SecretBox.fromSecret("a-long-enough-secret-key");
        byte[] token = {0, 1, 2, (byte) 0xff};
        String sealed = box.seal(token, "devices.bootstrap_token/MAC-1");
        assertThat(sealed).startsWith("sealed:v2:");
        assertThat(SecretBox.isBound(sealed)).isTrue();
        assertThat(SecretBox.isBound(box.seal("push key"))).isFalse();
        assertThat(box.open(sealed, "devices.bootstrap_token/MAC-1")).isEqualTo(token);
        assertThatThrownBy(() -> box.open(sealed, "devices.bootstrap_token/MAC-2")).isInstanceOf(SecretBox.WrongKeyException.class);
        assertThatThrownBy(() -> SecretBox.fromSecret("another-secret-key-entirely").open(sealed, "devices.bootstrap_token/MAC-1"))
                .isInstanceOf(SecretBox.WrongKeyException.class);
    }

    @Test
    void damagedStoredBytesAreToldApartFromAnotherKey() {
        SecretBox box = SecretBox.fromSecret("a-long-enough-secret-key");
        String sealed = box.seal(new byte[] {1, 2, 3}, "host_pins.pin/X");
        for (String damaged : new String[] {"sealed:v2:%%not base64%%", "sealed:v2:AAAA", sealed.substring(0, 20)}) {
            assertThatThrownBy(() -> box.open(damaged, "host_pins.pin/X")).as(damaged)
                    .isInstanceOf(SecretBox.DamagedSecretException.class).hasMessageContaining("damaged");
        }
        assertThatThrownBy(() -> box.open("v1:!!")).isInstanceOf(SecretBox.DamagedSecretException.class);
    }
}
