package dev.jmdm.server.ade;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The default MDM_DEP_DEVICE_CA is Apple's published root, byte for byte. */
class AppleRootTest {
    /** Apple Root CA's SHA-256 fingerprint as Apple publishes it (https://www.apple.com/certificateauthority/). */
    static final String APPLE_ROOT_SHA256 = "B0B1730ECBC7FF4505142C49F1295E6EDA6BCAED7E2C68C5BE91B5A11001F024";

    @Test
    void theBundledAnchorIsApplesRootCa() throws Exception {
        List<X509Certificate> anchors = AdeFeature.appleRoot();
        assertThat(anchors).hasSize(1);
        X509Certificate root = anchors.get(0);
        assertThat(HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance("SHA-256").digest(root.getEncoded())))
                .isEqualTo(APPLE_ROOT_SHA256);
        assertThat(root.getSubjectX500Principal().getName()).isEqualTo("CN=Apple Root CA,OU=Apple Certification Authority,O=Apple Inc.,C=US");
    }
}
