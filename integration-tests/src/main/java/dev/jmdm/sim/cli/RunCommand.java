package dev.jmdm.sim.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jmdm.sim.AdminClient;
import dev.jmdm.sim.Commands;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * An admin's command and the device's answer in one step: queue it through the admin API (no push: the device is
 * right here), let the device poll and answer, print the server's record of it ({@code GET /v1/commands/{uuid}}).
 */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Queue a command for the device through the admin API, let the device answer it, and print the "
                + "server's record of it (GET /v1/commands/UUID) as JSON on stdout; the device's progress goes to stderr. "
                + "A device not enrolled yet enrolls first."})
final class RunCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Parameters(index = "0", paramLabel = "REQUEST_TYPE", description = "e.g. DeviceInformation, SecurityInfo, ProfileList")
    String requestType;

    @Option(names = "--api-key", paramLabel = "KEY", defaultValue = "${env:MDM_API_KEY}",
            description = "the server's admin API key (default: $MDM_API_KEY)")
    String apiKey;

    @Option(names = "--api-user", paramLabel = "NAME", defaultValue = "nanomdm", description = "the key's name (MDM_API_KEYS), default nanomdm")
    String apiUser;

    @Mixin
    DeviceOptions options = new DeviceOptions();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (apiKey == null || apiKey.isBlank()) {
            throw new CliFailure("run needs the admin API key: --api-key KEY or MDM_API_KEY");
        }
        // A device that has not enrolled yet (a fresh identity, no state) enrolls first, as `enroll` would: it
        // cannot be sent a command before.
        DeviceSession session = DeviceSession.open(options, true);
        boolean completed = false;
        try {
            if (!session.enrolled()) {
                session.enroll();
                spec.commandLine().getErr().printf("enrolled %s at %s%n", session.device.udid(), session.serverUrl());
            }
            AdminClient admin = new AdminClient(session.adminClient(), session.adminBase(), apiUser, apiKey);
            Commands.Built command = Commands.of(requestType);
            String udid = session.device.enrollmentId();
            refuseUnlessQueued(admin.enqueue(command.plist(), List.of(udid), true), udid);
            PollCommand.pollAndPrint(session.device, spec.commandLine().getErr());
            AdminClient.Reply result = admin.command(command.commandUuid());
            if (result.status() != 200 || result.json() == null) {
                throw new CliFailure("GET /v1/commands/" + command.commandUuid() + " answered " + result.status() + " " + result.body().strip());
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result.json()));
            out.flush();
            completed = true;
        } finally {
            session.save(completed);
        }
        return 0;
    }

    private static void refuseUnlessQueued(AdminClient.Reply r, String udid) {
        String said = r.body() == null ? "" : r.body().strip();
        switch (r.status()) {
            case 200, 207 -> {
                return;
            }
            case 401 -> throw new CliFailure("the admin API refused the key with 401 " + said + "; --api-key must be the server's MDM_API_KEY");
            case 403 -> throw new CliFailure("the admin API refused with 403 " + said);
            case 404 -> throw new CliFailure("the server has no enrollment " + udid + " (404 " + said + "); enroll the device first");
            default -> throw new CliFailure("PUT /v1/enqueue answered " + r.status() + " " + said);
        }
    }
}
