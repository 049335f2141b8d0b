package dev.jmdm.server.config;

import java.net.URI;
import java.nio.file.Path;

/**
 * Enrollment profiles ({@code GET /mdm/enroll}).
 *
 * @param deviceCaCert CA certificate that issues the identities in profiles (MDM_DEVICE_CA_CERT); null: no profiles
 * @param deviceCaKey  its key (MDM_DEVICE_CA_KEY)
 * @param signingCert  certificate (and chain) that signs profiles (MDM_SIGNING_CERT); null: the TLS certificate, or
 *                     unsigned
 * @param signingKey   its key (MDM_SIGNING_KEY)
 * @param publicUrl    base URL devices reach the server at, no trailing slash (MDM_PUBLIC_URL); null: derived from the
 *                     listener
 * @param requireToken whether {@code /mdm/enroll} needs a valid enrollment-link token (MDM_ENROLL_REQUIRE_TOKEN)
 */
public record EnrollSettings(Path deviceCaCert, Path deviceCaKey, Path signingCert, Path signingKey, URI publicUrl,
        boolean requireToken) {
    /** No device CA (no profiles), signed with the TLS certificate if any, URL from the listener, no token needed. */
    public static final EnrollSettings NONE = builder().build();

    public EnrollSettings {
        bothOrNeither("MDM_DEVICE_CA_CERT", deviceCaCert, "MDM_DEVICE_CA_KEY", deviceCaKey);
        bothOrNeither("MDM_SIGNING_CERT", signingCert, "MDM_SIGNING_KEY", signingKey);
    }

    static void bothOrNeither(String certName, Object cert, String keyName, Object key) {
        if ((cert == null) != (key == null)) {
            String missing = cert == null ? certName : keyName;
            String given = cert == null ? keyName : certName;
            throw new SettingsException(missing + ": required with " + given + " (set both or neither)");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private Path deviceCaCert;
        private Path deviceCaKey;
        private Path signingCert;
        private Path signingKey;
        private URI publicUrl;
        private boolean requireToken;

        private Builder() {
        }

        public Builder deviceCa(Path cert, Path key) {
            this.deviceCaCert = cert;
            this.deviceCaKey = key;
            return this;
        }

        public Builder signing(Path cert, Path key) {
            this.signingCert = cert;
            this.signingKey = key;
            return this;
        }

        public Builder publicUrl(URI publicUrl) {
            this.publicUrl = publicUrl;
            return this;
        }

        public Builder requireToken(boolean requireToken) {
            this.requireToken = requireToken;
            return this;
        }

        public EnrollSettings build() {
            return new EnrollSettings(deviceCaCert, deviceCaKey, signingCert, signingKey, publicUrl, requireToken);
        }
    }
}
