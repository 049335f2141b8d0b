package dev.jmdm.server.enroll;

import java.util.List;

/** The enrollment link API's answers. */
public final class EnrollmentLinkAnswers {
    private EnrollmentLinkAnswers() {
    }

    /** An enrollment link; the token and its URL are shown once, in the answer that creates it. */
    public record EnrollmentLink(String id, String status, String note, String createdAt, String expiresAt, Integer maxUses, int uses,
            String lastUsedAt, String revokedAt, String token, String url) {
    }

    public record EnrollmentLinks(List<EnrollmentLink> enrollmentLinks) {
    }
}
