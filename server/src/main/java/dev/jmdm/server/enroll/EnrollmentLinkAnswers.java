package dev.jmdm.server.enroll;

import java.util.List;

/** The enrollment link API's answers. */
public final class EnrollmentLinkAnswers {
    private EnrollmentLinkAnswers() {
    }

    /**
     * An enrollment link; the token, its URL and the URL as a QR code (an SVG document, for a phone's camera) are shown
     * once, in the answer that creates it: the server keeps only the token's hash.
     */
    public record EnrollmentLink(String id, String status, String note, String createdAt, String expiresAt, Integer maxUses, int uses,
            String lastUsedAt, String revokedAt, String token, String url, String qrSvg) {
    }

    public record EnrollmentLinks(List<EnrollmentLink> enrollmentLinks) {
    }
}
