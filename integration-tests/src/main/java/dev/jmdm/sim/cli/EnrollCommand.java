package dev.jmdm.sim.cli;

import dev.jmdm.sim.DeviceFacts;
import dev.jmdm.sim.SimulatedDevice;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "enroll", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Enroll: Authenticate and TokenUpdate, then answer what the server queued (a new enrollment's inventory queries).")
final class EnrollCommand implements Callable<Integer> {
    @Mixin
    DeviceOptions options = new DeviceOptions();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        DeviceSession session = DeviceSession.open(options, true);
        boolean completed = false;
        PrintWriter out = spec.commandLine().getOut();
        try {
            SimulatedDevice d = session.device;
            session.enroll();
            out.printf("enrolled %s (%s, %s %s, serial %s) at %s as %s, topic %s%n", d.udid(), d.facts().model(),
                    d.facts().platform() == DeviceFacts.Platform.IOS ? "iOS" : "macOS", d.facts().osVersion(), d.facts().serialNumber(), session.serverUrl(),
                    d.identity().certificate().getSubjectX500Principal().getName(), d.topic());
            PollCommand.pollAndPrint(d, out);
            completed = true;
        } finally {
            session.save(completed);
        }
        return 0;
    }
}
