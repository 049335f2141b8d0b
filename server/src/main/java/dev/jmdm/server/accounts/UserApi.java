package dev.jmdm.server.accounts;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jmdm.server.config.AccountSettings;
import dev.jmdm.server.http.HttpError;
import dev.jmdm.server.http.Json;
import dev.jmdm.server.http.Principal;
import dev.jmdm.server.http.Requests;
import dev.jmdm.server.http.Role;
import io.undertow.server.HttpServerExchange;
import java.util.Iterator;
import java.util.Set;

/**
 * {@code /v1/users} (admins only, by {@link AccessRules}): list, create, show, change (email, role, password), delete,
 * and end a user's sessions. The last admin can be neither demoted nor deleted. A new password ends the user's other
 * sessions.
 */
final class UserApi {
    private static final Set<String> FIELDS = Set.of("email", "role", "password");

    private final UserStore users;
    private final SessionStore sessions;
    private final PasswordHasher hasher;
    private final int passwordMinLength;

    UserApi(UserStore users, SessionStore sessions, PasswordHasher hasher, int passwordMinLength) {
        this.users = users;
        this.sessions = sessions;
        this.hasher = hasher;
        this.passwordMinLength = passwordMinLength;
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
        String hash = hasher.hash(password(SessionApi.text(body, "password")));
        Json.send(ex, 201, detail(users.create(email, role, hash)));
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
        String hash = body.has("password") ? hasher.hash(password(SessionApi.text(body, "password"))) : null;
        if (email == null && role == null && hash == null) {
            throw new HttpError(400, "nothing to change: give email, role or password");
        }
        UserStore.User updated = users.update(id, new UserStore.Change(email, role, hash));
        if (hash != null) {
            // A new password shuts out whoever knew the old one; the admin making the change stays signed in.
            Principal p = Principal.of(ex);
            sessions.deleteAll(id, p != null && p.userId() != null && p.userId() == id ? p.sessionId() : null);
        }
        Json.send(ex, 200, detail(updated));
    }

    void delete(HttpServerExchange ex) {
        UserStore.User deleted = users.delete(id(ex));
        Json.send(ex, 200, detail(deleted, java.util.Map.of()));
    }

    void endSessions(HttpServerExchange ex) {
        long id = id(ex);
        users.byId(id).orElseThrow(() -> new HttpError(404, "no user " + id));
        Json.send(ex, 200, new AccountAnswers.SignedOut(sessions.deleteAll(id, null)));
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

    private String password(String password) {
        if (password.length() < passwordMinLength || password.length() > AccountSettings.MAX_PASSWORD_LENGTH) {
            throw new HttpError(400, "password must have " + passwordMinLength + " to " + AccountSettings.MAX_PASSWORD_LENGTH + " characters");
        }
        return password;
    }
}
