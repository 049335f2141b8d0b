package dev.jmdm.sim.cli;

import dev.jmdm.sim.HandledCommand;
import dev.jmdm.sim.SimulatedDevice;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "poll", mixinStandardHelpOptions = true, sortOptions = false,
        description = "What a woken device does: Idle, then run and answer every queued command until the server has none.")
final class PollCommand implements Callable<Integer> {
    @Mixin
    DeviceOptions options = new DeviceOptions();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        DeviceSession session = DeviceSession.open(options);
        boolean completed = false;
        try {
            pollAndPrint(session.device, spec.commandLine().getOut());
            completed = true;
        } finally {
            session.save(completed);
        }
        return 0;
    }

    static List<HandledCommand> pollAndPrint(SimulatedDevice device, PrintWriter out) {
        List<HandledCommand> handled = device.channel().poll();
        for (HandledCommand c : handled) {
            out.printf("command %s %s -> %s%n", c.commandUuid(), c.requestType(), c.status());
        }
        if (handled.isEmpty()) {
            out.println("no commands queued");
        }
        out.flush();
        return handled;
    }
}
