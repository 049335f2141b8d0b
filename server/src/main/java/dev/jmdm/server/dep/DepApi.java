package dev.jmdm.server.dep;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jmdm.server.http.ApiRouter;
import dev.jmdm.server.http.ApiRoutes;
import dev.jmdm.server.http.HttpError;
import dev.jmdm.server.http.Json;
import dev.jmdm.server.http.Requests;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The admin API of Automated Device Enrollment: the certificate ABM encrypts tokens to, tokens, syncs, devices and ADE
 * profiles (docs/ade.md).
 */
final class DepApi implements ApiRoutes {
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    static final int MAX_SERIALS = 1000;
    static final int MAX_PAGE = 1000;

    private final DepServerKey key;
    private final DepTokenStore tokens;
    private final DepDeviceStore devices;
    private final DepProfileStore profiles;
    private final DepSync sync;
    private final Supplier<URI> enrollUrl;
    private final long maxBody;

    DepApi(DepServerKey key, DepTokenStore tokens, DepDeviceStore devices, DepProfileStore profiles, DepSync sync, Supplier<URI> enrollUrl,
            long maxBody) {
        this.key = key;
        this.tokens = tokens;
        this.devices = devices;
        this.profiles = profiles;
        this.sync = sync;
        this.enrollUrl = enrollUrl;
        this.maxBody = maxBody;
    }

    @Override
    public void register(ApiRouter r) {
        r.get("/v1/dep/certificate", this::certificate)
                .put("/v1/dep/token", e -> importToken(e, "default"))
                .put("/v1/dep/tokens/{name}", e -> importToken(e, name(e)))
                .get("/v1/dep/tokens", this::listTokens)
                .get("/v1/dep/tokens/{name}", this::getToken)
                .delete("/v1/dep/tokens/{name}", this::deleteToken)
                .post("/v1/dep/tokens/{name}/sync", this::syncNow)
                .get("/v1/dep/devices", this::listDevices)
                .put("/v1/dep/profiles/{name}", this::putProfile)
                .get("/v1/dep/profiles", this::listProfiles)
                .get("/v1/dep/profiles/{name}", this::getProfile)
                .delete("/v1/dep/profiles/{name}", this::deleteProfile)
                .put("/v1/dep/profiles/{name}/devices", this::assign);
    }

    private static String name(HttpServerExchange e) {
        String n = Requests.pathParam(e, "name");
        if (!NAME.matcher(n).matches()) {
            throw new HttpError(400, "names are 1 to 100 letters, digits, dots, dashes or underscores: " + n);
        }
        return n;
    }

    /** GET /v1/dep/certificate: the PEM certificate to upload to ABM (made on first use). */
    private void certificate(HttpServerExchange e) {
        e.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/x-pem-file");
        e.getResponseHeaders().put(Headers.CONTENT_DISPOSITION, "attachment; filename=\"jmdm-dep.pem\"");
        e.getResponseSender().send(key.get().certificatePem(), StandardCharsets.US_ASCII);
    }

    /** PUT /v1/dep/token, PUT /v1/dep/tokens/{name}: the .p7m file ABM gave. */
    private void importToken(HttpServerExchange e, String name) throws Exception {
        byte[] file = Requests.body(e, maxBody);
        DepToken token;
        try {
            token = TokenFile.open(file, key.get().privateKey());
        } catch (TokenFile.BadTokenFile bad) {
            throw new HttpError(400, bad.getMessage());
        }
        tokens.put(name, token);
        Json.send(e, 200, DepAnswers.DepTokenInfo.of(tokens.info(name).orElseThrow()));
    }

    private void listTokens(HttpServerExchange e) {
        Json.send(e, 200, new DepAnswers.DepTokens(tokens.list().stream().map(DepAnswers.DepTokenInfo::of).toList()));
    }

    private void getToken(HttpServerExchange e) {
        String n = name(e);
        Json.send(e, 200, DepAnswers.DepTokenInfo.of(tokens.info(n).orElseThrow(() -> new HttpError(404, "no DEP token " + n))));
    }

    private void deleteToken(HttpServerExchange e) {
        String n = name(e);
        if (!tokens.delete(n)) {
            throw new HttpError(404, "no DEP token " + n);
        }
        e.setStatusCode(204);
    }

    /** POST /v1/dep/tokens/{name}/sync: syncs now and says what changed. */
    private void syncNow(HttpServerExchange e) {
        String n = name(e);
        try {
            Json.send(e, 200, DepAnswers.DepSyncResult.of(sync.sync(n)));
        } catch (NoSuchElementException missing) {
            throw new HttpError(404, "no DEP token " + n);
        } catch (DepSync.Busy busy) {
            throw new HttpError(409, busy.getMessage());
        } catch (DepApiException api) {
            throw new HttpError(502, api.getMessage());
        }
    }

    /** GET /v1/dep/devices?token=&cursor=&limit= */
    private void listDevices(HttpServerExchange e) {
        int limit = Requests.intQuery(e, "limit", 100, 1, MAX_PAGE);
        String token = Requests.query(e, "token");
        List<DepDeviceStore.Row> rows = devices.list(token, Requests.query(e, "cursor"), limit + 1);
        String next = rows.size() > limit ? rows.get(limit - 1).serialNumber() : null;
        List<DepAnswers.DepDeviceInfo> items = rows.stream().limit(limit).map(DepAnswers.DepDeviceInfo::of).toList();
        Json.send(e, 200, new DepAnswers.DepDevices(items, next));
    }

    /** PUT /v1/dep/profiles/{name}: stores, then defines it at Apple through every token (failures said, not fatal). */
    private void putProfile(HttpServerExchange e) throws Exception {
        String n = name(e);
        JsonNode body = Requests.jsonBody(e, maxBody);
        ProfileDocument.Parsed parsed;
        try {
            parsed = ProfileDocument.parse(body, enrollUrl.get());
        } catch (IllegalArgumentException bad) {
            throw new HttpError(400, bad.getMessage());
        }
        DepProfileStore.Stored stored = profiles.put(n, parsed.body(), parsed.isDefault());
        Map<String, String> errors = new TreeMap<>();
        for (String t : tokens.names()) {
            try {
                sync.withClient(t, (s, client) -> {
                    s.define(t, client, stored);
                    List<String> using = devices.withProfile(t, n);
                    return using.isEmpty() ? Map.of() : s.assign(t, client, stored, using);
                });
            } catch (DepApiException | NoSuchElementException failed) {
                errors.put(t, failed.getMessage());
            }
        }
        Json.send(e, 200, answer(stored, errors.isEmpty() ? null : errors));
    }

    private DepAnswers.AdeProfile answer(DepProfileStore.Stored p, Map<String, String> errors) {
        @SuppressWarnings("unchecked")
        Map<String, Object> body = DepClient.MAPPER.convertValue(p.body(), LinkedHashMap.class);
        return new DepAnswers.AdeProfile(p.name(), body, p.isDefault(), profiles.uuids(p.name()), errors, Json.time(p.createdAt()),
                Json.time(p.updatedAt()));
    }

    private void listProfiles(HttpServerExchange e) {
        Json.send(e, 200, new DepAnswers.AdeProfiles(profiles.list().stream().map(p -> answer(p, null)).toList()));
    }

    private void getProfile(HttpServerExchange e) {
        String n = name(e);
        Json.send(e, 200, answer(profiles.get(n).orElseThrow(() -> new HttpError(404, "no ADE profile " + n)), null));
    }

    private void deleteProfile(HttpServerExchange e) {
        String n = name(e);
        long using = devices.countWithProfile(n);
        if (using > 0) {
            throw new HttpError(409, using + " device(s) are assigned ADE profile " + n + "; assign them another first");
        }
        if (!profiles.delete(n)) {
            throw new HttpError(404, "no ADE profile " + n);
        }
        e.setStatusCode(204);
    }

    /** PUT /v1/dep/profiles/{name}/devices {"serials": [...]}: assigns it at Apple, through each device's token. */
    private void assign(HttpServerExchange e) throws Exception {
        String n = name(e);
        DepProfileStore.Stored profile = profiles.get(n).orElseThrow(() -> new HttpError(404, "no ADE profile " + n));
        JsonNode serials = Requests.jsonBody(e, maxBody).get("serials");
        if (serials == null || !serials.isArray() || serials.isEmpty() || serials.size() > MAX_SERIALS) {
            throw new HttpError(400, "serials must be an array of 1 to " + MAX_SERIALS + " serial numbers");
        }
        Set<String> wanted = new LinkedHashSet<>();
        for (JsonNode s : serials) {
            if (!s.isTextual() || s.asText().isBlank() || s.asText().length() > 64) {
                throw new HttpError(400, "serials must be non-empty strings of at most 64 characters: " + s);
            }
            wanted.add(s.asText().trim());
        }
        Map<String, String> byToken = devices.tokens(wanted);
        Map<String, String> outcome = new TreeMap<>();
        Map<String, List<String>> groups = new TreeMap<>();
        for (String s : wanted) {
            String t = byToken.get(s);
            if (t == null) {
                outcome.put(s, "NOT_ASSIGNED_HERE");
            } else {
                groups.computeIfAbsent(t, k -> new ArrayList<>()).add(s);
            }
        }
        for (Map.Entry<String, List<String>> g : groups.entrySet()) {
            try {
                outcome.putAll(sync.withClient(g.getKey(), (s, client) -> s.assign(g.getKey(), client, profile, g.getValue())));
            } catch (DepApiException | NoSuchElementException failed) {
                throw new HttpError(502, failed.getMessage());
            }
        }
        Json.send(e, 200, new DepAnswers.AdeAssignment(n, outcome));
    }
}
