package dev.jmdm.server.openapi;

import dev.jmdm.server.accounts.AccountAnswers;
import dev.jmdm.server.dep.DepAnswers;
import dev.jmdm.server.enroll.EnrollmentLinkAnswers.EnrollmentLink;
import dev.jmdm.server.enroll.EnrollmentLinkAnswers.EnrollmentLinks;
import dev.jmdm.server.hosts.HostAnswers;
import dev.jmdm.server.http.AdminAnswers;
import dev.jmdm.server.http.Json;
import dev.jmdm.server.policies.Views;
import dev.jmdm.server.profiles.ProfileApiAnswers;
import dev.jmdm.server.push.PushCertAnswers;
import java.util.ArrayList;
import java.util.List;

/**
 * Every route of the admin surface with what it answers: the table the OpenAPI document is generated from.
 * {@code OpenApiContractTest} (integration tests) proves it lists exactly the routes the server registers
 * and that real answers match the schemas generated from the answer records named here.
 */
public final class OpenApiRoutes {
    private OpenApiRoutes() {
    }

    /** One answer of an operation: a status and the records it may carry (none: not JSON, or no body). */
    public record Answer(int status, String description, String contentType, List<Class<?>> types) {
    }

    /** One operation; {@code open} ones need no API key. */
    public record Operation(String method, String path, String tag, String summary, List<String> query, String body, boolean open,
            List<Answer> answers) {
    }

    static final String JSON = "application/json";
    private static final List<Operation> ALL = new ArrayList<>();

    public static List<Operation> all() {
        if (ALL.isEmpty()) {
            table();
        }
        return List.copyOf(ALL);
    }

    private static Answer ok(Class<?>... types) {
        return json(200, "OK", types);
    }

    private static Answer json(int status, String description, Class<?>... types) {
        return new Answer(status, description, JSON, List.of(types));
    }

    private static Answer other(int status, String description, String contentType) {
        return new Answer(status, description, contentType, List.of());
    }

    private static void op(String method, String path, String tag, String summary, List<String> query, String body, Answer... answers) {
        ALL.add(new Operation(method, path, tag, summary, query, body, false, List.of(answers)));
    }

    private static final List<String> NONE = List.of();
    private static final List<String> NOPUSH = List.of("nopush");
    private static final String PUSH_207 = "queued, but a push failed (per-id push_error in status)";

    private static void table() {
        ALL.add(new Operation("GET", "/version", "health", "The server's version", NONE, null, true, List.of(ok(AdminAnswers.ServerVersion.class))));
        ALL.add(new Operation("GET", "/healthz", "health", "Liveness: the process answers", NONE, null, true, List.of(ok(AdminAnswers.Health.class))));
        ALL.add(new Operation("GET", "/readyz", "health", "Readiness: the database answers; push certificate warnings", NONE, null, true,
                List.of(ok(AdminAnswers.Readiness.class), json(503, "the database is unreachable", AdminAnswers.Readiness.class))));
        ALL.add(new Operation("GET", "/openapi.json", "health", "This document", NONE, null, true,
                List.of(other(200, "the OpenAPI document", JSON))));
        op("GET", "/metrics", "health", "Prometheus metrics", NONE, null, other(200, "Prometheus text format", "text/plain"));
        op("POST", "/migration", "enrollments", "nanomdm's migration endpoint: a check-in message as if the device sent it "
                + "(only with MDM_MIGRATION)", NONE, "application/x-apple-plist", other(200, "the check-in answer", "application/xml"),
                json(403, "refused for the device; Apple's unenroll code when the server does not know it",
                        AdminAnswers.UnrecognizedDevice.class, Json.Error.class));

        // nanomdm-compatible raw API
        op("PUT", "/v1/enqueue/{ids}", "commands", "Queue a raw command plist for comma-separated enrollment ids (nanomdm's shape)", NOPUSH,
                "application/x-apple-plist",
                ok(AdminAnswers.EnqueueResult.class), json(207, PUSH_207, AdminAnswers.EnqueueResult.class),
                json(400, "not a command, or bad ids", AdminAnswers.EnqueueResult.class, Json.Error.class),
                json(404, "unknown enrollment ids; nothing queued", AdminAnswers.EnqueueResult.class),
                json(409, "the command UUID is already queued", AdminAnswers.EnqueueResult.class));
        op("GET", "/v1/push/{ids}", "commands", "Push comma-separated enrollment ids (nanomdm's shape)", NONE, null,
                ok(AdminAnswers.EnqueueResult.class), json(207, "some pushes failed", AdminAnswers.EnqueueResult.class),
                json(500, "nothing could be pushed", AdminAnswers.EnqueueResult.class, Json.Error.class));
        op("GET", "/v1/enrollments", "enrollments", "List enrollments", List.of("id", "limit", "cursor"), null, ok(AdminAnswers.Enrollments.class));
        op("GET", "/v1/enrollments/{id}/queue", "commands", "An enrollment's pending commands", NONE, null, ok(AdminAnswers.Queue.class));
        op("DELETE", "/v1/enrollments/{id}/queue/{uuid}", "commands", "Cancel a queued command", NONE, null, ok(AdminAnswers.Canceled.class));
        op("GET", "/v1/commands/{uuid}", "commands", "A command with every enrollment's status and result", NONE, null,
                ok(AdminAnswers.CommandStatus.class));

        // hosts
        op("POST", "/v1/hosts", "hosts", "Pre-register hosts by serial number: {\"serials\": [...]}", NONE, JSON, ok(HostAnswers.Hosts.class));
        op("GET", "/v1/hosts", "hosts", "List hosts", List.of("platform", "os_version", "status", "group", "policy", "policy_result", "q", "sort", "limit", "cursor"),
                null, ok(HostAnswers.Hosts.class));
        op("GET", "/v1/hosts/{id}", "hosts", "A host with its channels and inventory summary", NONE, null, ok(HostAnswers.HostDetail.class));
        op("DELETE", "/v1/hosts/{id}", "hosts", "Forget a host", NONE, null, ok(HostAnswers.Forgotten.class));
        op("GET", "/v1/hosts/{id}/inventory", "hosts", "Every inventory source's facts with their age", NONE, null, ok(HostAnswers.Inventory.class));
        op("GET", "/v1/hosts/{id}/inventory/{source}/raw", "hosts", "The device's answer behind a source (device, security, apps)", NONE, null,
                other(200, "the answer as the device sent it", "application/x-plist"));
        op("GET", "/v1/hosts/{id}/apps", "hosts", "Installed apps", NONE, null, ok(HostAnswers.Apps.class));
        op("POST", "/v1/hosts/{id}/refetch", "hosts", "Ask the host for fresh inventory", NOPUSH, null, ok(HostAnswers.Refetch.class),
                json(207, PUSH_207, HostAnswers.Refetch.class));
        op("GET", "/v1/hosts/{id}/commands", "hosts", "The host's command history, newest first", List.of("limit", "cursor", "results"), null,
                ok(HostAnswers.History.class));
        op("GET", "/v1/hosts/{id}/certificates", "hosts", "Certificates this server's SCEP issued to the host's devices", NONE, null,
                ok(dev.jmdm.server.scep.HostCertificatesApi.HostCertificates.class));
        op("GET", "/v1/dep/profiles/{name}/setup", "ade", "The setup steps an ADE profile runs while its devices await configuration",
                NONE, null, ok(dev.jmdm.server.ade.SetupApi.Steps.class));
        op("PUT", "/v1/dep/profiles/{name}/setup", "ade", "Replace an ADE profile's setup steps ([]: DeviceConfigured at once)", NONE, JSON,
                ok(dev.jmdm.server.ade.SetupApi.Steps.class));
        op("GET", "/v1/hosts/{id}/pins", "hosts", "PINs generated for lock and wipe (audited)", NONE, null, ok(HostAnswers.Pins.class));
        for (String action : List.of("lock", "wipe", "restart", "clear-passcode")) {
            op("POST", "/v1/hosts/{id}/" + action, "actions", "Remote action: " + action, NOPUSH, JSON, ok(HostAnswers.ActionQueued.class),
                    json(207, PUSH_207, HostAnswers.ActionQueued.class));
        }
        op("POST", "/v1/commands", "commands", "Queue a command built from its schema for hosts", NOPUSH, JSON,
                ok(HostAnswers.CommandQueued.class), json(207, PUSH_207, HostAnswers.CommandQueued.class));
        op("GET", "/v1/audit", "hosts", "The audit log, newest first", List.of("host", "action", "actor", "limit", "cursor"), null,
                ok(HostAnswers.AuditEntries.class));
        op("POST", "/v1/audit", "hosts", "Write a client's entry: {\"action\": \"gitops.<name>\", \"note\", \"detail\": {}}", NONE, JSON,
                json(201, "written", HostAnswers.AuditNoted.class));
        op("GET", "/v1/enrollments/{id}/certificate", "enrollments", "The certificate an enrollment is bound to", NONE, null,
                ok(HostAnswers.CertificateState.class));
        op("DELETE", "/v1/enrollments/{id}/certificate", "enrollments", "Release the binding", NONE, null,
                ok(HostAnswers.CertificateState.class));
        op("POST", "/v1/enrollments/{id}/certificate/renewal", "enrollments", "Allow a renewed certificate for some hours", List.of("hours"),
                null, ok(HostAnswers.CertificateState.class));

        // profiles and groups
        op("POST", "/v1/profiles", "profiles", "Upload a configuration profile (signed or not)", NONE, "application/x-apple-aspen-config",
                ok(ProfileApiAnswers.Uploaded.class), json(201, "a new profile", ProfileApiAnswers.Uploaded.class));
        op("GET", "/v1/profiles", "profiles", "List profiles", NONE, null, ok(ProfileApiAnswers.Profiles.class));
        op("POST", "/v1/profiles/reconcile", "profiles", "Reconcile every host now", NONE, null, ok(ProfileApiAnswers.Sweep.class));
        op("GET", "/v1/profiles/{identifier}", "profiles", "A profile with versions, payloads and targets", NONE, null,
                ok(ProfileApiAnswers.ProfileDetail.class));
        op("GET", "/v1/profiles/{identifier}/raw", "profiles", "The profile as uploaded", NONE, null,
                other(200, "the profile", "application/x-apple-aspen-config"));
        op("DELETE", "/v1/profiles/{identifier}", "profiles", "Delete a profile (removed from its hosts)", NONE, null,
                new Answer(204, "deleted", null, List.of()));
        op("GET", "/v1/profiles/{identifier}/targets", "profiles", "Who gets the profile", NONE, null, ok(ProfileApiAnswers.Targets.class));
        op("PUT", "/v1/profiles/{identifier}/targets", "profiles", "Replace the profile's targets", NONE, JSON, ok(ProfileApiAnswers.Targets.class));
        op("GET", "/v1/profiles/{identifier}/status", "profiles", "Each host's state of the profile", List.of("status", "limit", "cursor"), null,
                ok(ProfileApiAnswers.ProfileStatus.class));
        op("GET", "/v1/hosts/{id}/profiles", "profiles", "Each profile's state on the host", NONE, null, ok(ProfileApiAnswers.HostProfiles.class));
        op("POST", "/v1/hosts/{id}/refresh", "profiles", "Ask the host for its installed profiles", NONE, null,
                json(202, "ProfileList queued", ProfileApiAnswers.Refresh.class));
        op("GET", "/v1/groups", "groups", "List groups", NONE, null, ok(ProfileApiAnswers.Groups.class));
        op("GET", "/v1/groups/{name}", "groups", "A group with its member host ids", NONE, null, ok(ProfileApiAnswers.Group.class));
        op("PUT", "/v1/groups/{name}", "groups", "Create or replace a group: {\"hosts\": [...]}", NONE, JSON, ok(ProfileApiAnswers.Group.class));
        op("DELETE", "/v1/groups/{name}", "groups", "Delete a group", NONE, null, new Answer(204, "deleted", null, List.of()));

        // policies
        for (String path : List.of("/v1/policies", "/v1/policies/{name}")) {
            op(path.endsWith("}") ? "PUT" : "POST", path, "policies", "Save a policy (JSON or YAML)", NONE, JSON, ok(Views.Policy.class),
                    json(201, "a new policy", Views.Policy.class), json(400, "invalid policy", Views.Refusal.class, Json.Error.class));
        }
        op("GET", "/v1/policies", "policies", "List policies with their counts", NONE, null, ok(Views.Policies.class));
        op("GET", "/v1/policies/{name}", "policies", "A policy with its versions", NONE, null, ok(Views.Policy.class));
        op("DELETE", "/v1/policies/{name}", "policies", "Delete a policy", NONE, null, ok(Views.PolicyDeleted.class));
        op("GET", "/v1/policies/{name}/results", "policies", "Each host's result", List.of("result", "q", "platform", "limit", "cursor"), null,
                ok(Views.Results.class));
        op("GET", "/v1/hosts/{id}/policies", "policies", "The host's result for each policy", NONE, null, ok(Views.Results.class));
        op("GET", "/v1/events", "policies", "Policy events, newest first", List.of("host", "kind", "policy", "limit", "cursor"), null,
                ok(Views.Events.class));
        op("GET", "/v1/compliance", "policies", "Every host's result for every policy (JSON paged, or CSV streamed)", List.of("format", "limit", "cursor"), null,
                ok(Views.Results.class), other(200, "format=csv", "text/csv"));
        op("GET", "/v1/compliance/summary", "policies", "Passing shares overall, per policy and per hour", NONE, null, ok(Views.Summary.class));

        // push certificates and enrollment links
        op("PUT", "/v1/pushcert", "push", "Upload the APNs push certificate (PEM, or PKCS#12 with a password header)", List.of("force"),
                "application/x-pem-file", ok(PushCertAnswers.PushCert.class),
                json(409, "a certificate for another topic would strand enrolled devices", PushCertAnswers.TopicChangeRefusal.class, Json.Error.class));
        op("GET", "/v1/pushcert", "push", "Every push certificate, or one with ?topic=", List.of("topic"), null,
                ok(PushCertAnswers.PushCerts.class, PushCertAnswers.PushCert.class));
        // the console
        op("GET", "/v1/fleet/summary", "console", "Host counts by status, platform and OS version, and hosts not seen for 1/7/30 days", NONE, null,
                ok(dev.jmdm.server.console.FleetSummary.Fleet.class));
        op("GET", "/v1/stream", "console", "Server-sent events: `command` (a device answered: id, command_uuid, status, at); heartbeats; "
                + "at most 64 streams at once", NONE, null, other(200, "an event stream", "text/event-stream"),
                json(503, "too many open streams", Json.Error.class));
        op("POST", "/v1/enrollment-links", "enrollments", "Create an enrollment link: {expires_at, max_uses, note}", NONE, JSON,
                json(201, "the link; its token is shown only here", EnrollmentLink.class));
        op("GET", "/v1/enrollment-links", "enrollments", "List enrollment links", NONE, null, ok(EnrollmentLinks.class));
        op("GET", "/v1/enrollment-links/{id}", "enrollments", "An enrollment link", NONE, null, ok(EnrollmentLink.class));
        op("DELETE", "/v1/enrollment-links/{id}", "enrollments", "Revoke an enrollment link", NONE, null, ok(EnrollmentLink.class));

        // accounts: sessions (signing in needs no key) and users (admins only)
        ALL.add(new Operation("POST", "/v1/session", "accounts", "Sign in: {email, password}; sets the jmdm_session cookie", NONE, JSON, true,
                List.of(ok(AccountAnswers.Session.class), json(401, "wrong email or password", Json.Error.class),
                        json(429, "too many failed sign-ins (Retry-After)", Json.Error.class))));
        op("GET", "/v1/session", "accounts", "The current session: user and CSRF token", NONE, null, ok(AccountAnswers.Session.class));
        op("DELETE", "/v1/session", "accounts", "Sign out", NONE, null, ok(AccountAnswers.SignedOut.class));
        op("DELETE", "/v1/sessions", "accounts", "Sign out everywhere: every session of the current user", NONE, null,
                ok(AccountAnswers.SignedOut.class));
        op("PUT", "/v1/session/password", "accounts",
                "Change your own password: {current_password, new_password}; ends your other sessions (answers how many)", NONE, JSON,
                ok(AccountAnswers.SignedOut.class), json(403, "the current password is wrong", Json.Error.class),
                json(429, "too many failed attempts (Retry-After)", Json.Error.class));
        op("GET", "/v1/users", "accounts", "List users", NONE, null, ok(AccountAnswers.Users.class));
        op("POST", "/v1/users", "accounts", "Create a user: {email, role, password}", NONE, JSON,
                json(201, "the user", AccountAnswers.UserDetail.class), json(409, "the email is taken", Json.Error.class));
        op("GET", "/v1/users/{id}", "accounts", "A user", NONE, null, ok(AccountAnswers.UserDetail.class));
        op("PATCH", "/v1/users/{id}", "accounts", "Change a user's email, role or password (a new password ends the user's other sessions)",
                NONE, JSON, ok(AccountAnswers.UserDetail.class), json(409, "the email is taken, or the last admin would be demoted", Json.Error.class));
        op("DELETE", "/v1/users/{id}", "accounts", "Delete a user and its sessions", NONE, null, ok(AccountAnswers.UserDetail.class),
                json(409, "the last admin", Json.Error.class));
        op("DELETE", "/v1/users/{id}/sessions", "accounts", "Sign a user out everywhere", NONE, null, ok(AccountAnswers.SignedOut.class));

        // Automated Device Enrollment (Apple Business Manager)
        op("GET", "/v1/dep/certificate", "ade", "The public key (PEM certificate) to upload to Apple Business Manager; made on first use",
                NONE, null, other(200, "PEM certificate", "application/x-pem-file"));
        op("PUT", "/v1/dep/token", "ade", "Import the server token (.p7m from ABM) as token 'default'", NONE, "application/pkcs7-mime",
                ok(DepAnswers.DepTokenInfo.class));
        op("PUT", "/v1/dep/tokens/{name}", "ade", "Import (or replace) a named server token (.p7m from ABM)", NONE, "application/pkcs7-mime",
                ok(DepAnswers.DepTokenInfo.class));
        op("GET", "/v1/dep/tokens", "ade", "Server tokens: expiry, account, last sync (never secrets)", NONE, null, ok(DepAnswers.DepTokens.class));
        op("GET", "/v1/dep/tokens/{name}", "ade", "A server token", NONE, null, ok(DepAnswers.DepTokenInfo.class));
        op("DELETE", "/v1/dep/tokens/{name}", "ade", "Forget a server token", NONE, null, new Answer(204, "deleted", null, List.of()));
        op("POST", "/v1/dep/tokens/{name}/sync", "ade", "Sync the token's devices from Apple now", NONE, null, ok(DepAnswers.DepSyncResult.class),
                json(409, "a sync of this token is running", Json.Error.class), json(502, "Apple's DEP API refused or did not answer", Json.Error.class));
        op("GET", "/v1/dep/devices", "ade", "Devices ABM assigned to this server", List.of("token", "cursor", "limit"), null,
                ok(DepAnswers.DepDevices.class));
        op("PUT", "/v1/dep/profiles/{name}", "ade", "Save an ADE profile and define it at Apple through every token", NONE, JSON,
                ok(DepAnswers.AdeProfile.class));
        op("GET", "/v1/dep/profiles", "ade", "ADE profiles", NONE, null, ok(DepAnswers.AdeProfiles.class));
        op("GET", "/v1/dep/profiles/{name}", "ade", "An ADE profile", NONE, null, ok(DepAnswers.AdeProfile.class));
        op("DELETE", "/v1/dep/profiles/{name}", "ade", "Delete an ADE profile no device is assigned", NONE, null,
                new Answer(204, "deleted", null, List.of()), json(409, "devices are assigned the profile", Json.Error.class));
        op("PUT", "/v1/dep/profiles/{name}/devices", "ade", "Assign the profile to devices: {serials}", NONE, JSON,
                ok(DepAnswers.AdeAssignment.class), json(502, "Apple's DEP API refused or did not answer", Json.Error.class));
    }
}
