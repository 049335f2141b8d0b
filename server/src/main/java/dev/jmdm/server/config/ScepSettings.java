package dev.jmdm.server.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The SCEP server ({@code /scep}) and the identity enrollment profiles carry (issue #15, docs/scep.md).
 *
 * @param identity    what enrollment profiles carry (MDM_ENROLL_IDENTITY): a SCEP payload (the device makes its key) or a
 *                    PKCS#12 identity
 * @param validity    how long a SCEP-issued certificate is valid, never past the device CA's own end (MDM_SCEP_VALIDITY)
 * @param challenge   a static challenge for legacy tools, accepted any number of times (MDM_SCEP_CHALLENGE); null:
 *                    one-time challenges only
 * @param renewBefore how long before a device's SCEP certificate expires the server sends it a fresh enrollment profile
 *                    (MDM_RENEW_BEFORE); zero: never
 */
public record ScepSettings(Identity identity, Duration validity, String challenge, Duration renewBefore) {
    public static final Duration DEFAULT_VALIDITY = Duration.ofDays(365);
    public static final Duration MIN_VALIDITY = Duration.ofHours(1);
    public static final Duration MAX_VALIDITY = Duration.ofDays(3650);
    public static final Duration DEFAULT_RENEW_BEFORE = Duration.ofDays(30);
    /** A static challenge never expires: it must not be guessable. */
    public static final int MIN_STATIC_CHALLENGE = 16;
    public static final ScepSettings DEFAULTS = new ScepSettings(Identity.SCEP, DEFAULT_VALIDITY, null, DEFAULT_RENEW_BEFORE);

    /** The identity payload of enrollment profiles. */
    public enum Identity { SCEP, PKCS12 }

    public ScepSettings {
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(validity, "validity");
        Objects.requireNonNull(renewBefore, "renewBefore");
        if (validity.compareTo(MIN_VALIDITY) < 0 || validity.compareTo(MAX_VALIDITY) > 0) {
            throw new SettingsException("MDM_SCEP_VALIDITY: outside 1h to 3650d; use e.g. 365d");
        }
        if (challenge != null && challenge.length() < MIN_STATIC_CHALLENGE) {
            throw new SettingsException("MDM_SCEP_CHALLENGE: too short; use at least " + MIN_STATIC_CHALLENGE
                    + " random characters, e.g. openssl rand -base64 24");
        }
        if (renewBefore.compareTo(validity) >= 0) {
            throw new SettingsException("MDM_RENEW_BEFORE: not shorter than MDM_SCEP_VALIDITY; every certificate would be renewed at once");
        }
    }
}
