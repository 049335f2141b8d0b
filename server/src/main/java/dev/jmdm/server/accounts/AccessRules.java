package dev.jmdm.server.accounts;

import dev.jmdm.server.http.Role;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Which role each admin API route needs from a signed-in user: one line per route, in one place, so a review sees
 * every decision at once. API keys act as admin and pass every rule. A route missing here is admin-only (the router
 * fails closed) and {@code AccessRulesTest} names it. Reads are for viewers, except those that act or show secrets;
 * fleet work is for operators; users, the push certificate and server-wide switches are for admins.
 */
public final class AccessRules {
    private static final String TABLE = """
            GET    /metrics                                      viewer
            POST   /migration                                    admin

            GET    /v1/session                                   viewer
            DELETE /v1/session                                   viewer
            DELETE /v1/sessions                                  viewer
            PUT    /v1/session/password                          viewer
            GET    /v1/users                                     admin
            POST   /v1/users                                     admin
            GET    /v1/users/{id}                                admin
            PATCH  /v1/users/{id}                                admin
            DELETE /v1/users/{id}                                admin
            DELETE /v1/users/{id}/sessions                       admin

            PUT    /v1/enqueue/{ids}                             operator
            GET    /v1/push/{ids}                                operator
            GET    /v1/enrollments                               viewer
            GET    /v1/enrollments/{id}/queue                    viewer
            DELETE /v1/enrollments/{id}/queue/{uuid}             operator
            GET    /v1/commands/{uuid}                           viewer
            POST   /v1/commands                                  operator

            POST   /v1/hosts                                     operator
            GET    /v1/hosts                                     viewer
            GET    /v1/hosts/{id}                                viewer
            DELETE /v1/hosts/{id}                                operator
            GET    /v1/hosts/{id}/inventory                      viewer
            GET    /v1/hosts/{id}/inventory/{source}/raw         viewer
            GET    /v1/hosts/{id}/apps                           viewer
            POST   /v1/hosts/{id}/refetch                        operator
            GET    /v1/hosts/{id}/commands                       viewer
            GET    /v1/hosts/{id}/certificates                   viewer
            GET    /v1/hosts/{id}/pins                           operator
            POST   /v1/hosts/{id}/lock                           operator
            POST   /v1/hosts/{id}/wipe                           operator
            POST   /v1/hosts/{id}/restart                        operator
            POST   /v1/hosts/{id}/clear-passcode                 operator
            GET    /v1/hosts/{id}/profiles                       viewer
            POST   /v1/hosts/{id}/refresh                        operator
            GET    /v1/hosts/{id}/policies                       viewer
            GET    /v1/audit                                     viewer
            POST   /v1/audit                                     operator
            GET    /v1/enrollments/{id}/certificate              viewer
            DELETE /v1/enrollments/{id}/certificate              operator
            POST   /v1/enrollments/{id}/certificate/renewal      operator

            POST   /v1/profiles                                  operator
            GET    /v1/profiles                                  viewer
            POST   /v1/profiles/reconcile                        operator
            GET    /v1/profiles/{identifier}                     viewer
            GET    /v1/profiles/{identifier}/raw                 viewer
            DELETE /v1/profiles/{identifier}                     operator
            GET    /v1/profiles/{identifier}/targets             viewer
            PUT    /v1/profiles/{identifier}/targets             operator
            GET    /v1/profiles/{identifier}/status              viewer
            GET    /v1/groups                                    viewer
            GET    /v1/groups/{name}                             viewer
            PUT    /v1/groups/{name}                             operator
            DELETE /v1/groups/{name}                             operator

            POST   /v1/policies                                  operator
            PUT    /v1/policies/{name}                           operator
            GET    /v1/policies                                  viewer
            GET    /v1/policies/{name}                           viewer
            DELETE /v1/policies/{name}                           operator
            GET    /v1/policies/{name}/results                   viewer
            GET    /v1/events                                    viewer
            GET    /v1/compliance                                viewer
            GET    /v1/compliance/summary                        viewer

            PUT    /v1/pushcert                                  admin
            GET    /v1/pushcert                                  viewer
            POST   /v1/enrollment-links                          operator
            GET    /v1/enrollment-links                          viewer
            GET    /v1/enrollment-links/{id}                     viewer
            DELETE /v1/enrollment-links/{id}                     operator

            GET    /v1/fleet/summary                             viewer
            GET    /v1/stream                                    viewer

            GET    /v1/dep/certificate                           admin
            PUT    /v1/dep/token                                 admin
            PUT    /v1/dep/tokens/{name}                         admin
            GET    /v1/dep/tokens                                viewer
            GET    /v1/dep/tokens/{name}                         viewer
            DELETE /v1/dep/tokens/{name}                         admin
            POST   /v1/dep/tokens/{name}/sync                    operator
            GET    /v1/dep/devices                               viewer
            PUT    /v1/dep/profiles/{name}                       operator
            GET    /v1/dep/profiles                              viewer
            GET    /v1/dep/profiles/{name}                       viewer
            DELETE /v1/dep/profiles/{name}                       operator
            PUT    /v1/dep/profiles/{name}/devices               operator
            GET    /v1/dep/profiles/{name}/setup                 viewer
            PUT    /v1/dep/profiles/{name}/setup                 operator
            """;

    private static final Map<String, Role> RULES = parse(TABLE);

    private AccessRules() {
    }

    /** The role a route needs, or empty when the table has no line for it. */
    public static Optional<Role> required(String method, String template) {
        return Optional.ofNullable(RULES.get(method + " " + template));
    }

    private static Map<String, Role> parse(String table) {
        Map<String, Role> rules = new HashMap<>();
        for (String line : table.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.trim().split("\\s+");
            Role role = f.length == 3 ? Role.parse(f[2]) : null;
            if (role == null || rules.put(f[0] + " " + f[1], role) != null) {
                throw new IllegalStateException("AccessRules: bad or repeated line: " + line.trim());
            }
        }
        return Map.copyOf(rules);
    }
}
