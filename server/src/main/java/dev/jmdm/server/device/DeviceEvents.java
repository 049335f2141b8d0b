package dev.jmdm.server.device;

import dev.jmdm.server.concurrent.BoundedExecutor;
import dev.jmdm.server.protocol.CommandReport;
import dev.jmdm.server.protocol.EnrollmentId;
import dev.jmdm.server.storage.CommandStore;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps that follow what a device's request stored, in one pipeline instead of listeners hung on each
 * service: the check-in and command services hand it their events after storing, and each feature adds its
 * named steps here at start. Inline steps run in the order they were added, each guarded: a failing step is logged
 * with its name and never fails the device's request (the features' sweeps repair what it missed).
 *
 * <p>A step is {@link Lane#INLINE} when what it writes must be there when the device's answer goes out: the
 * inventory and profile commands its next poll fetches, the facts the API shows right after, the re-bind
 * grant a wipe needs before the device erases itself. Everything else is {@link Lane#BACKGROUND}: run on one
 * bounded executor, off the request thread, and shed (counted, logged) when its queue is full.
 */
public final class DeviceEvents implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceEvents.class);
    /** Background steps wait here; beyond it they are shed (a later answer or sweep asks again). */
    public static final int BACKGROUND_QUEUE = 4096;

    /** Where a step runs. */
    public enum Lane { INLINE, BACKGROUND }

    /** A channel's TokenUpdate was stored; tally 1 is the first since Authenticate. */
    @FunctionalInterface
    public interface TokenUpdated {
        void tokenUpdated(EnrollmentId id, int tally);
    }

    /**
     * A device channel's TokenUpdate said {@code AwaitingConfiguration}: Setup Assistant waits for DeviceConfigured.
     * Runs after the TokenUpdate's own steps.
     */
    @FunctionalInterface
    public interface AwaitingConfiguration {
        void awaitingConfiguration(EnrollmentId id);
    }

    /** A device's answer (not Idle) was stored. */
    @FunctionalInterface
    public interface Answered {
        void resultStored(EnrollmentId id, CommandReport report);
    }

    /** A command was marked delivered and is about to go to the device. */
    @FunctionalInterface
    public interface Delivered {
        void delivered(EnrollmentId id, CommandStore.Next command);
    }

    /** @param setupOnly runs only for a device in the middle of a Setup Assistant enrollment */
    private record Step<L>(String name, Lane lane, boolean setupOnly, L listener) {
    }

    private final BoundedExecutor background;
    private final List<Step<TokenUpdated>> tokenUpdates = new CopyOnWriteArrayList<>();
    private final List<Step<AwaitingConfiguration>> awaiting = new CopyOnWriteArrayList<>();
    private final List<Step<Answered>> answers = new CopyOnWriteArrayList<>();
    private final List<Step<Delivered>> deliveries = new CopyOnWriteArrayList<>();

    /** @param onShed counts a background step shed because the queue was full */
    public DeviceEvents(Runnable onShed) {
        this.background = new BoundedExecutor("device-events", 1, BACKGROUND_QUEUE,
                "the step's feature catches up on the device's next answer or its sweep", onShed);
    }

    public void onTokenUpdate(String name, Lane lane, TokenUpdated step) {
        tokenUpdates.add(new Step<>(name, lane, false, step));
    }

    /**
     * A TokenUpdate step that runs only when the device's Setup Assistant enrollment is under way (the certificate
     * look-up says so at no extra round trip), so the other devices pay nothing for it.
     */
    public void onSetupTokenUpdate(String name, Lane lane, TokenUpdated step) {
        tokenUpdates.add(new Step<>(name, lane, true, step));
    }

    public void onAwaitingConfiguration(String name, Lane lane, AwaitingConfiguration step) {
        awaiting.add(new Step<>(name, lane, false, step));
    }

    public void onAnswer(String name, Lane lane, Answered step) {
        answers.add(new Step<>(name, lane, false, step));
    }

    /** An answer step that runs only while the device's Setup Assistant enrollment is under way (see {@link #onSetupTokenUpdate}). */
    public void onSetupAnswer(String name, Lane lane, Answered step) {
        answers.add(new Step<>(name, lane, true, step));
    }

    public void onDelivery(String name, Lane lane, Delivered step) {
        deliveries.add(new Step<>(name, lane, false, step));
    }

    /** @param setupPending whether the device's Setup Assistant enrollment is under way (true when not known) */
    void tokenUpdated(EnrollmentId id, int tally, boolean setupPending) {
        run(tokenUpdates, setupPending, "TokenUpdate of " + id.id(), l -> l.tokenUpdated(id, tally));
    }

    void awaitingConfiguration(EnrollmentId id) {
        run(awaiting, true, "AwaitingConfiguration of " + id.id(), l -> l.awaitingConfiguration(id));
    }

    /** @param setupPending whether the device's Setup Assistant enrollment is under way (true when not known) */
    void resultStored(EnrollmentId id, CommandReport report, boolean setupPending) {
        run(answers, setupPending, "answer " + report.commandUuid() + " of " + id.id(), l -> l.resultStored(id, report));
    }

    void delivered(EnrollmentId id, CommandStore.Next command) {
        run(deliveries, true, "delivery of " + command.commandUuid() + " to " + id.id(), l -> l.delivered(id, command));
    }

    private static <L> void guarded(Step<L> step, String event, Consumer<L> call) {
        try {
            call.accept(step.listener());
        } catch (RuntimeException e) {
            LOG.warn("{} after {} failed: {}", step.name(), event, e.toString(), e);
        }
    }

    /** Inline steps first, in order; background steps only then, so they see every inline step's writes. */
    private <L> void run(List<Step<L>> steps, boolean setupPending, String event, Consumer<L> call) {
        for (Step<L> step : steps) {
            if (step.lane() == Lane.INLINE && (setupPending || !step.setupOnly())) {
                guarded(step, event, call);
            }
        }
        for (Step<L> step : steps) {
            if (step.lane() == Lane.BACKGROUND && (setupPending || !step.setupOnly())) {
                background.execute(() -> guarded(step, event, call));
            }
        }
    }

    @Override
    public void close() {
        background.close();
    }
}
