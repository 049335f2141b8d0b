package dev.jmdm.server.console;

import dev.jmdm.server.device.DeviceEvents;
import dev.jmdm.server.feature.Feature;
import dev.jmdm.server.feature.Services;
import dev.jmdm.server.http.ApiRouter;
import java.time.Clock;
import java.time.Instant;

/**
 * The console's server side beyond its files: the event stream, fed from the device events pipeline. A device's answer
 * is what moves everything the console shows live: a command's result, and through InstallProfile, RemoveProfile and
 * ProfileList answers a profile's rollout (the pages re-read the counts on such an event), so one step feeds both.
 */
public final class ConsoleFeature implements Feature {
    /** A device answered a command: the enrollment id, the command and the answer's status. */
    public record CommandEvent(String id, String commandUuid, String status, String at) {
    }

    private final Services services;
    private final Clock clock;
    private final EventStream stream = new EventStream();
    private final FleetSummary summary;

    public ConsoleFeature(Services services) {
        this.services = services;
        this.clock = services.clock();
        this.summary = FleetSummary.withOwnThread(services.jdbi(), clock);
    }

    @Override
    public void start() {
        // Background: a slow subscriber must never hold a device's request, and the event is sent after the inline steps
        // (profile status, inventory) have stored what the page will read when it hears about it.
        services.events().onAnswer("console-stream", DeviceEvents.Lane.BACKGROUND, (id, report) ->
                stream.publish("command", new CommandEvent(id.id(), report.commandUuid(), report.status().wire(),
                        Instant.ofEpochMilli(clock.millis()).toString())));
    }

    @Override
    public void register(ApiRouter router) {
        router.get("/v1/stream", stream)
                .get("/v1/fleet/summary", summary::handle);
    }

    /** The stream, for tests and the server's own events. */
    public EventStream stream() {
        return stream;
    }

    @Override
    public void close() {
        stream.close();
        summary.close();
    }
}
