package dev.jmdm.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jmdm.certsdev.CertificateAuthority;
import dev.jmdm.certsdev.Pem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsParserTest {
    @Test
    void defaultsRunTheEmbeddedStoreOnPort9000WithTheApiOff() {
        Settings s = SettingsParser.parse(new String[0], Map.of());
        assertThat(s.http().listen().getPort()).isEqualTo(9000);
        assertThat(s.storage().engine()).isEqualTo(StorageSettings.Engine.EMBEDDED);
        assertThat(s.storage().jdbcUrl()).startsWith("jdbc:h2:file:").contains("MODE=MySQL");
        assertThat(s.api().enabled()).isFalse();
        assertThat(s.http().maxBodyBytes()).isEqualTo(HttpSettings.DEFAULT_MAX_BODY);
        assertThat(s.api().migration()).isFalse();
    }

    @Test
    void aFlagWinsOverItsEnvironmentVariable() {
        Settings s = SettingsParser.parse(new String[] {"--listen", "127.0.0.1:9100", "--max-body", "512KiB"},
                Map.of("MDM_LISTEN", ":9200", "MDM_API_KEY", "secret", "MDM_MAX_BODY", "1MiB", "MDM_MIGRATION", "true"));
        assertThat(s.http().listen().getPort()).isEqualTo(9100);
        assertThat(s.http().listen().getHostString()).isEqualTo("127.0.0.1");
        assertThat(s.http().maxBodyBytes()).isEqualTo(512 * 1024);
        assertThat(s.api().keys()).containsEntry("nanomdm", "secret");
        assertThat(s.api().migration()).isTrue();
    }

    @Test
    void badValuesNameTheSettingAndWhatIsAllowed() {
        assertThatThrownBy(() -> SettingsParser.parse(new String[0], Map.of("MDM_STORAGE", "postgres")))
                .isInstanceOf(SettingsException.class).hasMessageStartingWith("MDM_STORAGE").hasMessageContaining("embedded or mysql");
        assertThatThrownBy(() -> SettingsParser.parse(new String[0], Map.of("MDM_STORAGE", "mysql")))
                .hasMessageStartingWith("MDM_DSN");
        assertThatThrownBy(() -> SettingsParser.parse(new String[0], Map.of("MDM_STORAGE", "mysql", "MDM_DSN", "jdbc:postgresql://x/y?password=hunter2")))
                .hasMessageStartingWith("MDM_DSN").hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> SettingsParser.parse(new String[0], Map.of("MDM_LISTEN", "9000"))).hasMessageStartingWith("MDM_LISTEN");
        assertThatThrownBy(() -> SettingsParser.parse(new String[0], Map.of("MDM_LISTEN", ":99999"))).hasMessageStartingWith("MDM_LISTEN");
        assertThatThrownBy(() -> SettingsParser.parse(new String[0], Map.of("MDM_MAX_BODY", "lots"))).hasMessageStartingWith("MDM_MAX_BODY");
        assertThatThrownBy(() -> SettingsParser.parse(new String[0], Map.of("MDM_MIGRATION", "maybe"))).hasMessageStartingWith("MDM_MIGRATION");
        assertThatThrownBy(() -> SettingsParser.parse(new String[0], Map.of("MDM_LOG_LEVEL", "loud"))).hasMessageStartingWith("MDM_LOG_LEVEL");
        assertThatThrownBy(() -> SettingsParser.parse(new String[0], Map.of("MDM_CA", "/nonexistent/ca.pem"))).hasMessageStartingWith("MDM_CA");
        assertThatThrownBy(() -> SettingsParser.parse(new String[] {"--bogus"}, Map.of())).isInstanceOf(SettingsException.class);
    }

    @Test
    void accountSettingsHaveNamedDefaultsAndRefuseHalfAFirstAdminOrAShortPassword() {
        AccountSettings defaults = SettingsParser.parse(new String[0], Map.of()).accounts();
        assertThat(defaults).isEqualTo(AccountSettings.DEFAULTS);
        assertThat(defaults.hasFirstAdmin()).isFalse();
        AccountSettings set = SettingsParser.parse(new String[0], Map.of("MDM_ADMIN_EMAIL", "a@example.com",
                "MDM_ADMIN_PASSWORD", "twelve chars", "MDM_SESSION_IDLE", "15m", "MDM_SIGNIN_FAILURES", "10")).accounts();
        assertThat(set.adminEmail()).isEqualTo("a@example.com");
        assertThat(set.sessionIdle()).hasMinutes(15);
        assertThat(set.signInFailures()).isEqualTo(10);
        assertThat(set.toString()).doesNotContain("twelve chars");
        assertThatThrownBy(() -> SettingsParser.parse(new String[0], Map.of("MDM_ADMIN_EMAIL", "a@example.com")))
                .hasMessageStartingWith("MDM_ADMIN_EMAIL").hasMessageContaining("MDM_ADMIN_PASSWORD");
        assertThatThrownBy(() -> SettingsParser.parse(new String[0], Map.of("MDM_ADMIN_PASSWORD", "twelve chars")))
                .hasMessageStartingWith("MDM_ADMIN_PASSWORD");
        assertThatThrownBy(() -> SettingsParser.parse(new String[0], Map.of("MDM_ADMIN_EMAIL", "a@example.com", "MDM_ADMIN_PASSWORD", "short")))
                .hasMessageStartingWith("MDM_ADMIN_PASSWORD").hasMessageNotContaining("short\"");
        assertThatThrownBy(() -> SettingsParser.parse(new String[0], Map.of("MDM_ADMIN_EMAIL", "not an email", "MDM_ADMIN_PASSWORD", "twelve chars")))
                .hasMessageStartingWith("MDM_ADMIN_EMAIL");
        assertThatThrownBy(() -> SettingsParser.parse(new String[0], Map.of("MDM_SESSION_MAX", "30m")))
                .hasMessageStartingWith("MDM_SESSION_MAX");
        assertThatThrownBy(() -> SettingsParser.parse(new String[0], Map.of("MDM_SIGNIN_FAILURES", "many")))
                .hasMessageStartingWith("MDM_SIGNIN_FAILURES");
        assertThatThrownBy(() -> SettingsParser.parse(new String[0], Map.of("MDM_PASSWORD_MIN_LENGTH", "4")))
                .hasMessageStartingWith("MDM_PASSWORD_MIN_LENGTH");
    }

    @Test
    void namedApiKeysSitBesideNanomdmsKeyAndAreValidated() {
        Settings s = SettingsParser.parse(new String[0], Map.of("MDM_API_KEY", "secret",
                "MDM_API_KEYS", "alice:alice-key-0123456789, ci-bot@example:ci-key-0123456789abc"));
        assertThat(s.api().keys()).containsExactlyInAnyOrderEntriesOf(Map.of("nanomdm", "secret",
                "alice", "alice-key-0123456789", "ci-bot@example", "ci-key-0123456789abc"));
        assertThat(s.api().enabled()).isTrue();
        // Named keys alone turn the API on.
        assertThat(SettingsParser.parse(new String[0], Map.of("MDM_API_KEYS", "alice:alice-key-0123456789")).api().enabled()).isTrue();

        assertThatThrownBy(() -> SettingsParser.parse(new String[0], Map.of("MDM_API_KEYS", "alice")))
                .hasMessageStartingWith("MDM_API_KEYS").hasMessageContaining("NAME:KEY");
        assertThatThrownBy(() -> SettingsParser.parse(new String[0], Map.of("MDM_API_KEYS", "alice:short")))
                .hasMessageStartingWith("MDM_API_KEYS").hasMessageContaining("shorter than 16").hasMessageNotContaining("short\"");
        assertThatThrownBy(() -> SettingsParser.parse(new String[0], Map.of("MDM_API_KEYS", "al ice:alice-key-0123456789")))
                .hasMessageStartingWith("MDM_API_KEYS").hasMessageContaining("al ice");
        assertThatThrownBy(() -> SettingsParser.parse(new String[0], Map.of("MDM_API_KEYS", "a:same-key-0123456789,b:same-key-0123456789")))
                .hasMessageStartingWith("MDM_API_KEYS").hasMessageContaining("own");
        assertThatThrownBy(() -> SettingsParser.parse(new String[0], Map.of("MDM_API_KEY", "x", "MDM_API_KEYS", "nanomdm:other-key-0123456789")))
                .hasMessageStartingWith("MDM_API_KEYS").hasMessageContaining("twice");
    }

    @Test
    void aCaFileWithoutCertificatesFailsStartSayingWhatItHolds(@TempDir Path dir) throws Exception {
        CertificateAuthority ca = CertificateAuthority.createRoot("settings test CA", Duration.ofDays(1));
        Map<String, String> holds = Map.of(
                "", "is empty",
                "\n  \n", "is empty",
                Pem.encode(ca.privateKey()), "holds a private key but no certificate",
                "not a certificate at all\n", "holds no PEM certificate",
                "-----BEGIN CERTIFICATE-----\nbm9wZQ==\n-----END CERTIFICATE-----\n", "cannot");
        for (String setting : new String[] {"MDM_CA", "MDM_APNS_CA", "MDM_DEP_DEVICE_CA"}) {
            for (var c : holds.entrySet()) {
                Path file = Files.writeString(dir.resolve("bad-" + setting + c.getValue().hashCode() + ".pem"), c.getKey());
                assertThatThrownBy(() -> SettingsParser.parse(new String[0], Map.of(setting, file.toString())))
                        .as("%s holding %s", setting, c.getValue()).isInstanceOf(SettingsException.class)
                        .hasMessageStartingWith(setting + ": ").hasMessageContaining(c.getValue()).hasMessageContaining("give a PEM file");
            }
            // A key followed by the certificate is fine: the certificate is what counts.
            Path good = Files.writeString(dir.resolve("good-" + setting + ".pem"), Pem.encode(ca.privateKey(), ca.certificate()));
            Settings s = SettingsParser.parse(new String[0], Map.of(setting, good.toString()));
            assertThat(switch (setting) {
                case "MDM_CA" -> s.http().caFile();
                case "MDM_APNS_CA" -> s.apns().caFile();
                default -> s.ade().deviceCa();
            }).isEqualTo(good);
        }
    }

    @Test
    void setupAssistantTrustsApplesRootUnlessToldOtherwise() {
        assertThat(SettingsParser.parse(new String[0], Map.of()).ade().deviceCa()).as("null: the bundled Apple Root CA").isNull();
    }

    @Test
    void theCertHeaderMustBeAnHttpHeaderName() {
        assertThat(SettingsParser.parse(new String[0], Map.of("MDM_CERT_HEADER", "X-Client-Cert")).http().certHeader()).isEqualTo("X-Client-Cert");
        assertThat(SettingsParser.parse(new String[0], Map.of("MDM_CERT_HEADER", "ssl_client_escaped_cert")).http().certHeader())
                .isEqualTo("ssl_client_escaped_cert");
        for (String bad : new String[] {"X Client Cert", "X-Client-Cert:", "Client(Cert)", "X-Cl\u00efent", "a/b"}) {
            assertThatThrownBy(() -> SettingsParser.parse(new String[0], Map.of("MDM_CERT_HEADER", bad))).as(bad)
                    .isInstanceOf(SettingsException.class).hasMessageStartingWith("MDM_CERT_HEADER: '" + bad + "' is not an HTTP header name");
        }
    }

    @Test
    void migrationWithoutAnApiKeyFailsStartNamingBothSettings() {
        assertThatThrownBy(() -> SettingsParser.parse(new String[0], Map.of("MDM_MIGRATION", "true")))
                .isInstanceOf(SettingsException.class).hasMessageStartingWith("MDM_MIGRATION").hasMessageContaining("MDM_API_KEY");
        assertThatThrownBy(() -> SettingsParser.parse(new String[] {"--migration"}, Map.of())).hasMessageStartingWith("MDM_MIGRATION");
        assertThat(SettingsParser.parse(new String[0], Map.of("MDM_MIGRATION", "true", "MDM_API_KEYS", "alice:alice-key-0123456789"))
                .api().migration()).isTrue();
    }

    @Test
    void wipeRebindDefaultsTo30DaysMayBeTurnedOffAndIsBounded() {
        assertThat(SettingsParser.parse(new String[0], Map.of()).hosts().wipeRebind()).isEqualTo(Duration.ofDays(30));
        assertThat(SettingsParser.parse(new String[0], Map.of("MDM_WIPE_REBIND", "0")).hosts().wipeRebind()).isZero();
        assertThat(SettingsParser.parse(new String[] {"--wipe-rebind", "7d"}, Map.of("MDM_WIPE_REBIND", "2d")).hosts().wipeRebind())
                .isEqualTo(Duration.ofDays(7));
        assertThatThrownBy(() -> SettingsParser.parse(new String[0], Map.of("MDM_WIPE_REBIND", "soon")))
                .isInstanceOf(SettingsException.class).hasMessageStartingWith("MDM_WIPE_REBIND");
        assertThatThrownBy(() -> SettingsParser.parse(new String[0], Map.of("MDM_WIPE_REBIND", "400d")))
                .isInstanceOf(SettingsException.class).hasMessageStartingWith("MDM_WIPE_REBIND").hasMessageContaining("365d");
    }

    @Test
    void workersAreSizedFromTheDatabasePoolUnlessSet() {
        Capacity d = SettingsParser.parse(new String[0], Map.of()).capacity();
        assertThat(d.dbPool()).isEqualTo(16);
        assertThat(d.workers()).isEqualTo(16 * Capacity.WORKERS_PER_CONNECTION);
        assertThat(d.headerTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(d.bodyTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(d.idleTimeout()).isEqualTo(Duration.ofSeconds(60));
        Capacity pool = SettingsParser.parse(new String[0], Map.of("MDM_DB_POOL", "40")).capacity();
        assertThat(pool.workers()).isEqualTo(160);
        Capacity both = SettingsParser.parse(new String[] {"--workers", "24", "--header-timeout", "5s"},
                Map.of("MDM_DB_POOL", "8", "MDM_WORKERS", "100", "MDM_BODY_TIMEOUT", "2m", "MDM_IDLE_TIMEOUT", "15s")).capacity();
        assertThat(both).isEqualTo(new Capacity(8, 24, Duration.ofSeconds(5), Duration.ofMinutes(2), Duration.ofSeconds(15)));
    }

    @Test
    void capacityAndTimeoutsOutOfRangeFailStartNamingTheSetting() {
        for (String bad : new String[] {"0", "1", "501", "many", "-3"}) {
            assertThatThrownBy(() -> SettingsParser.parse(new String[0], Map.of("MDM_DB_POOL", bad))).isInstanceOf(SettingsException.class)
                    .hasMessageStartingWith("MDM_DB_POOL").hasMessageContaining("from 2 to 500");
        }
        assertThatThrownBy(() -> SettingsParser.parse(new String[0], Map.of("MDM_WORKERS", "1"))).hasMessageStartingWith("MDM_WORKERS");
        // Far more workers than connections can serve: they would only wait on the pool.
        assertThatThrownBy(() -> SettingsParser.parse(new String[0], Map.of("MDM_DB_POOL", "4", "MDM_WORKERS", "65")))
                .hasMessageStartingWith("MDM_WORKERS").hasMessageContaining("MDM_DB_POOL").hasMessageContaining("at most 64");
        assertThat(SettingsParser.parse(new String[0], Map.of("MDM_DB_POOL", "4", "MDM_WORKERS", "64")).capacity().workers()).isEqualTo(64);
        for (String name : new String[] {"MDM_HEADER_TIMEOUT", "MDM_BODY_TIMEOUT", "MDM_IDLE_TIMEOUT"}) {
            for (String bad : new String[] {"0", "500ms", "2h", "soon"}) {
                assertThatThrownBy(() -> SettingsParser.parse(new String[0], Map.of(name, bad))).as("%s=%s", name, bad)
                        .isInstanceOf(SettingsException.class).hasMessageStartingWith(name);
            }
        }
    }

    @Test
    void aDsnWithoutADatabaseOrOneTheEmbeddedStoreWouldIgnoreIsRefused() {
        assertThatThrownBy(() -> SettingsParser.parse(new String[0], Map.of("MDM_STORAGE", "mysql", "MDM_DSN", "jdbc:mysql://db:3306/?user=mdm&password=hunter2")))
                .hasMessageStartingWith("MDM_DSN: 'jdbc:mysql://db:3306/?user=mdm&password=***' names no database");
        assertThatThrownBy(() -> SettingsParser.parse(new String[0], Map.of("MDM_STORAGE", "mysql", "MDM_DSN", "jdbc:mysql://db:3306")))
                .hasMessageContaining("names no database");
        assertThatThrownBy(() -> SettingsParser.parse(new String[0], Map.of("MDM_DSN", "jdbc:mysql://db:3306/mdm")))
                .hasMessageStartingWith("MDM_DSN: set, but MDM_STORAGE is embedded");
        assertThat(SettingsParser.parse(new String[0], Map.of("MDM_STORAGE", "mysql", "MDM_DSN", "jdbc:mysql://a:3306,b:3306/mdm?user=x")).storage().dsn())
                .endsWith("/mdm?user=x");
    }

    @Test
    void theApnsTimeoutDefaultsToFiveSecondsAndIsBoundedAtStart() {
        assertThat(SettingsParser.parse(new String[0], Map.of()).apns().timeout()).isEqualTo(java.time.Duration.ofSeconds(5));
        assertThat(SettingsParser.parse(new String[0], Map.of("MDM_APNS_TIMEOUT", "2s")).apns().timeout())
                .isEqualTo(java.time.Duration.ofSeconds(2));
        assertThat(SettingsParser.parse(new String[] {"--apns-timeout", "PT0.5S"}, Map.of("MDM_APNS_TIMEOUT", "2s")).apns().timeout())
                .isEqualTo(java.time.Duration.ofMillis(500));
        for (String bad : new String[] {"0", "61s", "2h", "soon", "-1s"}) {
            assertThatThrownBy(() -> SettingsParser.parse(new String[0], Map.of("MDM_APNS_TIMEOUT", bad))).as(bad)
                    .isInstanceOf(SettingsException.class).hasMessageStartingWith("MDM_APNS_TIMEOUT: ");
        }
    }

    @Test
    void withNothingSetEveryPartHasItsNamedDefaults() {
        Settings s = SettingsParser.parse(new String[0], Map.of());
        assertThat(s.http()).isEqualTo(HttpSettings.builder().build());
        assertThat(s.api()).isEqualTo(ApiSettings.OFF);
        assertThat(s.storage()).isEqualTo(StorageSettings.builder().build());
        assertThat(s.capacity()).isEqualTo(Capacity.defaults());
        assertThat(s.apns()).isEqualTo(ApnsSettings.builder().build());
        assertThat(s.enroll()).isEqualTo(EnrollSettings.NONE);
        assertThat(s.profiles()).isEqualTo(ProfileSettings.DEFAULTS);
        assertThat(s.hosts()).isEqualTo(HostsSettings.DEFAULTS);
        assertThat(s.logLevel()).isEqualTo(Settings.DEFAULT_LOG_LEVEL);
    }

    @Test
    void aFlagWinsEvenOverAVariableThatWouldBeRefusedAndABlankVariableCountsAsUnset() {
        Settings s = SettingsParser.parse(new String[] {"--wipe-rebind=7d", "--listen", ":9100", "--inventory"},
                Map.of("MDM_WIPE_REBIND", "soon", "MDM_LISTEN", "nowhere", "MDM_INVENTORY", "maybe", "MDM_PROFILE_SWEEP", "  "));
        assertThat(s.hosts().wipeRebind()).isEqualTo(Duration.ofDays(7));
        assertThat(s.http().listen().getPort()).isEqualTo(9100);
        assertThat(s.hosts().inventory()).isTrue();
        assertThat(s.profiles().sweepEvery()).isEqualTo(ProfileSettings.DEFAULT_SWEEP);
        // A refused flag is named by its variable, as a refused variable is.
        assertThatThrownBy(() -> SettingsParser.parse(new String[] {"--wipe-rebind", "soon"}, Map.of()))
                .isInstanceOf(SettingsException.class).hasMessage("MDM_WIPE_REBIND: 'soon' is not a duration; use e.g. 30d, 2h, 15m, 45s or 0");
    }

    @Test
    void valuesAreTakenAsGivenWithoutExpandingVariablesOrProperties() {
        String key = "${env:PATH}-${sys:user.home}-${user.dir}-0123456789";
        Settings s = SettingsParser.parse(new String[] {"--api-key", key}, Map.of("MDM_SECRET_KEY", key, "MDM_API_KEYS", "ci:" + key + "x"));
        assertThat(s.api().keys()).containsEntry("nanomdm", key).containsEntry("ci", key + "x");
        assertThat(s.storage().secretKey()).isEqualTo(key);
    }

    @Test
    void everyFlagHasAVariableAndTheHelpNamesItWithItsDefault() {
        picocli.CommandLine cl = new picocli.CommandLine(new SettingsOptions());
        cl.setInterpolateVariables(false);
        String help = cl.getUsageMessage();
        for (picocli.CommandLine.Model.OptionSpec o : cl.getCommandSpec().options()) {
            if (o.usageHelp() || o.versionHelp()) {
                continue;
            }
            String variable = EnvironmentDefaults.variable(o);
            assertThat(variable).as(o.longestName()).startsWith("MDM_");
            assertThat(o.description()[0]).as(o.longestName()).startsWith(variable + ": ");
            String fallback = EnvironmentDefaults.fallback(o);
            if (fallback != null) {
                assertThat(o.description()[0]).as(o.longestName()).contains(fallback.replace("./", ""));
            }
            assertThat(help).contains(o.longestName()).contains(variable + ":");
        }
    }

    @Test
    void scepSettingsDefaultToScepProfilesForAYearWithoutAStaticChallenge() {
        ScepSettings scep = SettingsParser.parse(new String[0], Map.of()).scep();
        assertThat(scep).isEqualTo(ScepSettings.DEFAULTS);
        assertThat(scep.identity()).isEqualTo(ScepSettings.Identity.SCEP);
        assertThat(scep.validity()).isEqualTo(java.time.Duration.ofDays(365));
        assertThat(scep.challenge()).isNull();
        assertThat(scep.renewBefore()).isEqualTo(java.time.Duration.ofDays(30));

        ScepSettings set = SettingsParser.parse(new String[] {"--enroll-identity", "PKCS12"}, Map.of("MDM_SCEP_VALIDITY", "90d",
                "MDM_SCEP_CHALLENGE", "a-static-challenge-for-tools", "MDM_RENEW_BEFORE", "0")).scep();
        assertThat(set.identity()).isEqualTo(ScepSettings.Identity.PKCS12);
        assertThat(set.validity()).isEqualTo(java.time.Duration.ofDays(90));
        assertThat(set.challenge()).isEqualTo("a-static-challenge-for-tools");
        assertThat(set.renewBefore()).isZero();
    }

    @Test
    void badScepSettingsAreRefusedByName() {
        assertThatThrownBy(() -> SettingsParser.parse(new String[0], Map.of("MDM_ENROLL_IDENTITY", "acme")))
                .isInstanceOf(SettingsException.class).hasMessageStartingWith("MDM_ENROLL_IDENTITY:");
        assertThatThrownBy(() -> SettingsParser.parse(new String[0], Map.of("MDM_SCEP_CHALLENGE", "short")))
                .isInstanceOf(SettingsException.class).hasMessageStartingWith("MDM_SCEP_CHALLENGE:");
        assertThatThrownBy(() -> SettingsParser.parse(new String[0], Map.of("MDM_SCEP_VALIDITY", "10m")))
                .isInstanceOf(SettingsException.class).hasMessageStartingWith("MDM_SCEP_VALIDITY:");
        assertThatThrownBy(() -> SettingsParser.parse(new String[0], Map.of("MDM_SCEP_VALIDITY", "30d", "MDM_RENEW_BEFORE", "30d")))
                .isInstanceOf(SettingsException.class).hasMessageStartingWith("MDM_RENEW_BEFORE:");
    }
}
