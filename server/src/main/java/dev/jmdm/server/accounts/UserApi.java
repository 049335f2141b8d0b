package dev.jmdm.server.accounts;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jmdm.server.config.AccountSettings;
import dev.jmdm.server.http.HttpError;
import dev.jmdm.server.http.Json;
import dev.jmdm.server.http.Principal;
import dev.jmdm.server.http.Requests;
import dev.jmdm.server.http.Role;
import dev.jmdm.server.http.AuditTrail;
import io.undertow.server.HttpServerExchange;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code /v1/users} (admins only, by {@link AccessRules}): list, create, show, change (email, role, password), delete,
 * and end a user's sessions. The last admin can be neither demoted nor deleted. A new password ends the user's other
 * sessions. Every change is audited (users.create, users.update, users.delete, users.sessions.end), never a password.
 */
final class UserApi {
    private static final Set<String> FIELDS = Set.of("email", "role", "password");

    private final UserStore users;
    private final SessionStore sessions;
    private final PasswordHasher hasher;
    private final int passwordMinLength;
    private final AuditTrail audit;

    UserApi(UserStore users, SessionStore sessions, PasswordHasher hasher, int passwordMinLength, AuditTrail audit) {
        this.users = users;
        this.sessions = sessions;
        this.hasher = hasher;
        this.passwordMinLength = passwordMinLength;
        this.audit = audit;
    }

    void list(HttpServerExchange ex) {
        java.util.Map<Long, Integer> live = sessions.liveCounts();
        Json.send(ex, 200, new AccountAnswers.Users(users.list().stream().map(u -> detail(u, live)).toList()));
    }

    void create(HttpServerExchange ex) throws Exception {
        JsonNode body = Requests.jsonBody(ex, SessionApi.MAX_BODY);
        unknownFields(body);
        String email = email(SessionApi.text(body, "email"));
        Role role = role(SessionApi.text(body, "role"));
        String hash = hasher.hash(checkPassword(SessionApi.text(body, "password"), passwordMinLength));
        UserStore.User created = users.create(email, role, hash);
        audit.record(ex, "users.create", created.email(), Map.of("id", created.id(), "role", role.wire()));
        Json.send(ex, 201, detail(created));
    }

    void show(HttpServerExchange ex) {
        long id = id(ex);
        Json.send(ex, 200, detail(users.byId(id).orElseThrow(() -> new HttpError(404, "no user " + id))));
    }

    void change(HttpServerExchange ex) throws Exception {
        long id = id(ex);
        JsonNode body = Requests.jsonBody(ex, SessionApi.MAX_BODY);
        unknownFields(body);
        String email = body.has("email") ? email(SessionApi.text(body, "email")) : null;
        Role role = body.has("role") ? role(SessionApi.text(body, "role")) : null;
        String hash = body.has("password") ? hasher.hash(checkPassword(SessionApi.text(body, "password"), passwordMinLength)) : null;
        if (email == null && role == null && hash == null) {
            throw new HttpError(400, "nothing to change: give email, role or password");
        }
        UserStore.User updated = users.update(id, new UserStore.Change(email, role, hash));
        Map<String, Object> changed = new LinkedHashMap<>();
        changed.put("id", id);
        if (email != null) {
            changed.put("email", email);
        }
        if (role != null) {
            changed.put("role", role.wire());
        }
        if (hash != null) {
            changed.put("password", "changed");
        }
        audit.record(ex, "users.update", updated.email(), changed);
        if (hash != null) {
            // A new password shuts out whoever knew the old one; the admin making the change stays signed in.
            Principal p = Principal.of(ex);
            sessions.deleteAll(id, p != null && p.userId() != null && p.userId() == id ? p.sessionId() : null);
        }
        Json.send(ex, 200, detail(updated));
    }

    void delete(HttpServerExchange ex) {
        UserStore.User deleted = users.delete(id(ex));
        audit.record(ex, "users.delete", deleted.email(), Map.of("id", deleted.id(), "role", deleted.role().wire()));
        Json.send(ex, 200, detail(deleted, java.util.Map.of()));
    }

    void endSessions(HttpServerExchange ex) {
        long id = id(ex);
        UserStore.User user = users.byId(id).orElseThrow(() -> new HttpError(404, "no user " + id));
        int ended = sessions.deleteAll(id, null);
        audit.record(ex, "users.sessions.end", user.email(), Map.of("id", id, "sessions", ended));
        Json.send(ex, 200, new AccountAnswers.SignedOut(ended));
    }

    private AccountAnswers.UserDetail detail(UserStore.User u) {
        return detail(u, sessions.liveCounts());
    }

    private static AccountAnswers.UserDetail detail(UserStore.User u, java.util.Map<Long, Integer> live) {
        return new AccountAnswers.UserDetail(u.id(), u.email(), u.role().wire(), Json.time(u.createdAt()), Json.time(u.updatedAt()),
                live.getOrDefault(u.id(), 0));
    }

    private static long id(HttpServerExchange ex) {
        String raw = Requests.pathParam(ex, "id");
        try {
            return Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw new HttpError(404, "no user " + raw);
        }
    }

    private static void unknownFields(JsonNode body) {
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                throw new HttpError(400, "unknown field " + f + "; a user has email, role and password");
            }
        }
    }

    private static String email(String email) {
        String e = UserStore.normalize(email);
        if (!AccountSettings.validEmail(e)) {
            throw new HttpError(400, "email '" + e + "' is not an email address");
        }
        return e;
    }

    private static Role role(String name) {
        Role r = Role.parse(name);
        if (r == null) {
            throw new HttpError(400, "role '" + name + "' is not one of admin, operator, viewer");
        }
        return r;
    }

    /** The one password policy, for created users, admins' resets and users' own changes. */
    static String checkPassword(String password, int passwordMinLength) {
        if (password.length() < passwordMinLength || password.length() > AccountSettings.MAX_PASSWORD_LENGTH) {
            throw new HttpError(400, "password must have " + passwordMinLength + " to " + AccountSettings.MAX_PASSWORD_LENGTH + " characters");
        }
        return password;
    }
}
