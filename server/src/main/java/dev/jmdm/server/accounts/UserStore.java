package dev.jmdm.server.accounts;

import dev.jmdm.server.http.HttpError;
import dev.jmdm.server.http.Role;
import dev.jmdm.server.storage.Sql;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * The {@code users} table. Changes that could leave the server without an admin (demoting or deleting one) run in one
 * transaction that first locks every admin row, so two admins removing each other at once cannot both succeed.
 */
public final class UserStore {
    /** A stored user; {@code passwordHash} never leaves this package in an answer. */
    public record User(long id, String email, Role role, String passwordHash, long createdAt, long updatedAt) {
    }

    /** What a change sets; null fields stay as they are. */
    record Change(String email, Role role, String passwordHash) {
    }

    private static final String COLUMNS = "id, email, role, password_hash, created_at, updated_at";
    private static final RowMapper<User> USER = (rs, ctx) -> new User(rs.getLong(1), rs.getString(2), Role.parse(rs.getString(3)),
            rs.getString(4), rs.getLong(5), rs.getLong(6));

    private final Jdbi jdbi;
    private final Clock clock;

    public UserStore(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /** The form emails are stored and compared in. */
    public static String normalize(String email) {
        return email == null ? null : email.trim().toLowerCase(java.util.Locale.ROOT);
    }

    public boolean any() {
        return jdbi.withHandle(h -> h.createQuery("SELECT id FROM users LIMIT 1").mapTo(Long.class).findOne().isPresent());
    }

    public Optional<User> byEmail(String email) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM users WHERE email = :e").bind("e", normalize(email))
                .map(USER).findOne());
    }

    Optional<User> byId(long id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM users WHERE id = :id").bind("id", id).map(USER).findOne());
    }

    List<User> list() {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM users ORDER BY email").map(USER).list());
    }

    /** A new user; 409 when the email is taken. */
    public User create(String email, Role role, String passwordHash) {
        try {
            return jdbi.inTransaction(h -> insert(h, email, role, passwordHash));
        } catch (RuntimeException e) {
            if (Sql.isDuplicateKey(e)) {
                throw new HttpError(409, "a user with email " + normalize(email) + " exists");
            }
            throw e;
        }
    }

    /**
     * The first admin: created only while no user exists at all, so a restart with the same variables (or a changed
     * password in them) never touches an existing account. Empty when users exist (or another server just made one).
     */
    public Optional<User> createFirst(String email, String passwordHash) {
        try {
            return jdbi.inTransaction(h -> {
                if (h.createQuery("SELECT id FROM users LIMIT 1").mapTo(Long.class).findOne().isPresent()) {
                    return Optional.empty();
                }
                return Optional.of(insert(h, email, Role.ADMIN, passwordHash));
            });
        } catch (RuntimeException e) {
            if (Sql.isDuplicateKey(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private User insert(Handle h, String email, Role role, String passwordHash) {
        long now = clock.millis();
        long id = h.createUpdate("INSERT INTO users (email, role, password_hash, created_at, updated_at) VALUES (:e, :r, :p, :now, :now)")
                .bind("e", normalize(email)).bind("r", role.wire()).bind("p", passwordHash).bind("now", now)
                .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
        return new User(id, normalize(email), role, passwordHash, now, now);
    }

    /** Applies a change; 404 for an unknown user, 409 for a taken email or when it would demote the last admin. */
    User update(long id, Change change) {
        try {
            return jdbi.inTransaction(h -> {
                User user = locked(h, id);
                if (change.role() != null && user.role() == Role.ADMIN && change.role() != Role.ADMIN) {
                    requireAnotherAdmin(h, id, "demote");
                }
                long now = clock.millis();
                User updated = new User(id, change.email() == null ? user.email() : normalize(change.email()),
                        change.role() == null ? user.role() : change.role(),
                        change.passwordHash() == null ? user.passwordHash() : change.passwordHash(), user.createdAt(), now);
                h.createUpdate("UPDATE users SET email = :e, role = :r, password_hash = :p, updated_at = :now WHERE id = :id")
                        .bind("e", updated.email()).bind("r", updated.role().wire()).bind("p", updated.passwordHash()).bind("now", now)
                        .bind("id", id).execute();
                return updated;
            });
        } catch (RuntimeException e) {
            if (Sql.isDuplicateKey(e)) {
                throw new HttpError(409, "a user with email " + normalize(change.email()) + " exists");
            }
            throw e;
        }
    }

    /** Deletes a user and its sessions; 404 unknown, 409 for the last admin. */
    User delete(long id) {
        return jdbi.inTransaction(h -> {
            User user = locked(h, id);
            if (user.role() == Role.ADMIN) {
                requireAnotherAdmin(h, id, "delete");
            }
            h.createUpdate("DELETE FROM user_sessions WHERE user_id = :id").bind("id", id).execute();
            h.createUpdate("DELETE FROM users WHERE id = :id").bind("id", id).execute();
            return user;
        });
    }

    /** A re-hash with today's parameters after a successful sign-in; changes nothing else. */
    void rehash(long id, String oldHash, String newHash) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE users SET password_hash = :n WHERE id = :id AND password_hash = :o")
                .bind("n", newHash).bind("id", id).bind("o", oldHash).execute());
    }

    /** The user, after locking every admin row (then the user's own): the order every such change takes. */
    private static User locked(Handle h, long id) {
        h.createQuery("SELECT id FROM users WHERE role = 'admin' ORDER BY id FOR UPDATE").mapTo(Long.class).list();
        return h.createQuery("SELECT " + COLUMNS + " FROM users WHERE id = :id FOR UPDATE").bind("id", id).map(USER).findOne()
                .orElseThrow(() -> new HttpError(404, "no user " + id));
    }

    private static void requireAnotherAdmin(Handle h, long id, String what) {
        long others = h.createQuery("SELECT COUNT(*) FROM users WHERE role = 'admin' AND id <> :id").bind("id", id).mapTo(Long.class).one();
        if (others == 0) {
            throw new HttpError(409, "cannot " + what + " the last admin; make another user admin first");
        }
    }
}
