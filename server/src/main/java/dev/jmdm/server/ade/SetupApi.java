package dev.jmdm.server.ade;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jmdm.server.hosts.HostAnswers;
import dev.jmdm.server.hosts.HostCommands;
import dev.jmdm.server.http.ApiRouter;
import dev.jmdm.server.http.ApiRoutes;
import dev.jmdm.server.http.HttpError;
import dev.jmdm.server.http.Json;
import dev.jmdm.server.http.Requests;
import dev.jmdm.server.profiles.ProfileCatalog;
import dev.jmdm.server.storage.HostRecord;
import io.undertow.server.HttpServerExchange;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET}/{@code PUT /v1/dep/profiles/{name}/setup}: the setup steps of an ADE profile (see {@link SetupSteps}),
 * and where a host's Setup Assistant enrollment stands, for {@code GET /v1/hosts/{id}}.
 */
public final class SetupApi implements ApiRoutes {
    private final AdeStore store;
    private final ProfileCatalog catalog;
    private final HostCommands audit;
    private final long maxBody;

    SetupApi(AdeStore store, ProfileCatalog catalog, HostCommands audit, long maxBody) {
        this.store = store;
        this.catalog = catalog;
        this.audit = audit;
        this.maxBody = maxBody;
    }

    /** One setup step: a configuration profile to install (by identifier) or a command (the command builder's JSON). */
    public record Step(String profile, Map<String, Object> command) {
    }

    /** An ADE profile's setup steps; [] sends DeviceConfigured at once. */
    public record Steps(String profile, List<Step> steps) {
    }

    @Override
    public void register(ApiRouter router) {
        router.get("/v1/dep/profiles/{name}/setup", this::show).put("/v1/dep/profiles/{name}/setup", this::put);
    }

    void show(HttpServerExchange exchange) {
        String name = profile(exchange);
        Json.send(exchange, 200, answer(name, SetupSteps.fromJson(store.steps(name).orElse("[]"))));
    }

    void put(HttpServerExchange exchange) throws IOException {
        String name = profile(exchange);
        JsonNode body = Requests.jsonBody(exchange, maxBody);
        List<SetupSteps.Step> steps = SetupSteps.parse(body, catalog::profileExists);
        store.putSteps(name, SetupSteps.toJson(steps));
        audit.auditGlobal(HostCommands.actor(exchange), "ade.setup.update", Map.of("profile", name, "steps", steps.size()));
        Json.send(exchange, 200, answer(name, steps));
    }

    private String profile(HttpServerExchange exchange) {
        String name = Requests.pathParam(exchange, "name");
        if (!store.profileExists(name)) {
            throw new HttpError(404, "no ADE profile '" + name + "' (define it with PUT /v1/dep/profiles/" + name + ")");
        }
        return name;
    }

    @SuppressWarnings("unchecked")
    private static Steps answer(String name, List<SetupSteps.Step> steps) {
        return new Steps(name, steps.stream()
                .map(s -> new Step(s.profile(), s.command() == null ? null : Json.MAPPER.convertValue(s.command(), Map.class)))
                .toList());
    }

    /** The host's Setup Assistant enrollment, found by serial number (or UDID, for a host that has none yet). */
    Optional<HostAnswers.Setup> setupOf(HostRecord host) {
        Optional<AdeStore.Row> row = host.serialNumber() == null ? Optional.empty() : store.bySerial(host.serialNumber());
        if (row.isEmpty() && host.udid() != null) {
            row = store.byUdid(host.udid());
        }
        return row.map(r -> new HostAnswers.Setup(r.state(), r.step(), r.of(), r.profileName(), r.error(), Json.time(r.updatedAt())));
    }
}
