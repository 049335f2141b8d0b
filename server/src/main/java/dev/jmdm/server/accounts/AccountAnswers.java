package dev.jmdm.server.accounts;

import java.util.List;

/** The accounts API's answers. */
public final class AccountAnswers {
    private AccountAnswers() {
    }

    /** Who is signed in. */
    public record User(long id, String email, String role) {
    }

    /** A session: its user and the token every state-changing request sends as X-CSRF-Token. */
    public record Session(User user, String csrfToken) {
    }

    /** How many sessions a sign-out ended. */
    public record SignedOut(int sessions) {
    }

    /** A user as admins see it, with how many browsers are signed in as it. */
    public record UserDetail(long id, String email, String role, String createdAt, String updatedAt, int activeSessions) {
    }

    public record Users(List<UserDetail> users) {
    }
}
