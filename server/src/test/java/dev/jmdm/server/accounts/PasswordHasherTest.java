package dev.jmdm.server.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PasswordHasherTest {
    private final PasswordHasher hasher = new PasswordHasher();

    @Test
    void hashesAreArgon2idPhcStringsWithTheirParametersAndASaltOfTheirOwn() {
        String a = hasher.hash("correct horse battery staple");
        String b = hasher.hash("correct horse battery staple");
        assertThat(a).startsWith("$argon2id$v=19$m=19456,t=2,p=1$").isNotEqualTo(b);
        assertThat(hasher.verify("correct horse battery staple", a)).isTrue();
        assertThat(hasher.verify("correct horse battery stapler", a)).isFalse();
        assertThat(hasher.verify("", a)).isFalse();
        assertThat(hasher.outdated(a)).isFalse();
    }

    @Test
    void aHashMadeWithOtherParametersStillVerifiesAndIsOutdatedWhenWeaker() {
        String weak = new PasswordHasher(new PasswordHasher.Params(1024, 1, 1)).hash("an older password");
        assertThat(weak).contains("$m=1024,t=1,p=1$");
        assertThat(hasher.verify("an older password", weak)).isTrue();
        assertThat(hasher.outdated(weak)).isTrue();
    }

    /** The reference implementation's test vector (argon2 CLI: password "password", salt "somesalt", m=64 MiB, t=2, p=1). */
    @Test
    void verifiesAHashFromTheReferenceImplementation() {
        String reference = "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc";
        assertThat(hasher.verify("password", reference)).isTrue();
        assertThat(hasher.verify("Password", reference)).isFalse();
    }

    @Test
    void unreadableHashesMatchNothing() {
        for (String bad : new String[] {null, "", "plain", "$argon2i$v=19$m=1024,t=1,p=1$c29tZXNhbHQ$AAAA", "$argon2id$v=19$m=1,t=1,p=1$x$y",
                "$argon2id$v=19$m=1024,t=1,p=1,x=3$c29tZXNhbHQ$AAAA", "$argon2id$v=19$m=99999999,t=1,p=1$c29tZXNhbHQ$AAAA"}) {
            assertThat(hasher.verify("password", bad)).as(String.valueOf(bad)).isFalse();
            assertThat(hasher.outdated(bad)).isTrue();
        }
    }
}
