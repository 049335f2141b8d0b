package dev.jmdm.server.feature;

import dev.jmdm.server.device.DeviceEvents;
import dev.jmdm.server.jobs.LeasedJobs;
import dev.jmdm.server.metrics.Metrics;
import dev.jmdm.server.push.BackgroundPushes;
import dev.jmdm.server.push.PushService;
import dev.jmdm.server.secrets.StoredSecrets;
import dev.jmdm.server.storage.CertBindingStore;
import dev.jmdm.server.storage.CommandStore;
import dev.jmdm.server.storage.EnrollmentStore;
import dev.jmdm.server.storage.HostStore;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import org.jdbi.v3.core.Jdbi;

/**
 * What every feature may use, made once by the server: the store, the device events features add their steps to
 * ({@link DeviceEvents}), pushes, the shared timer thread and metrics. Build with {@link #builder()}; every service is required.
 *
 * @param timers  the server's timer thread: periodic sweeps run here; it stops with the server
 * @param jobs    wraps a periodic sweep so that one server of those sharing the database runs it (see {@link LeasedJobs})
 * @param maxBody largest request body an API accepts (MDM_MAX_BODY)
 */
public record Services(
        Jdbi jdbi,
        Clock clock,
        ScheduledExecutorService timers,
        LeasedJobs jobs,
        Metrics metrics,
        long maxBody,
        EnrollmentStore enrollments,
        CommandStore commands,
        HostStore hosts,
        CertBindingStore bindings,
        StoredSecrets secrets,
        DeviceEvents events,
        PushService push,
        BackgroundPushes backgroundPushes) {

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private Jdbi jdbi;
        private Clock clock;
        private ScheduledExecutorService timers;
        private LeasedJobs jobs;
        private Metrics metrics;
        private long maxBody;
        private EnrollmentStore enrollments;
        private CommandStore commands;
        private HostStore hosts;
        private CertBindingStore bindings;
        private StoredSecrets secrets;
        private DeviceEvents events;
        private PushService push;
        private BackgroundPushes backgroundPushes;

        private Builder() {
        }

        public Builder jdbi(Jdbi jdbi) {
            this.jdbi = jdbi;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        public Builder timers(ScheduledExecutorService timers) {
            this.timers = timers;
            return this;
        }

        public Builder jobs(LeasedJobs jobs) {
            this.jobs = jobs;
            return this;
        }

        public Builder metrics(Metrics metrics) {
            this.metrics = metrics;
            return this;
        }

        public Builder maxBody(long maxBody) {
            this.maxBody = maxBody;
            return this;
        }

        public Builder stores(EnrollmentStore enrollments, CommandStore commands, HostStore hosts, CertBindingStore bindings) {
            this.enrollments = enrollments;
            this.commands = commands;
            this.hosts = hosts;
            this.bindings = bindings;
            return this;
        }

        public Builder secrets(StoredSecrets secrets) {
            this.secrets = secrets;
            return this;
        }

        public Builder events(DeviceEvents events) {
            this.events = events;
            return this;
        }

        /** @param background the one executor for pushes nobody waits for */
        public Builder push(PushService push, BackgroundPushes background) {
            this.push = push;
            this.backgroundPushes = background;
            return this;
        }

        public Services build() {
            if (maxBody <= 0) {
                throw new IllegalArgumentException("maxBody must be positive, was " + maxBody);
            }
            return new Services(Objects.requireNonNull(jdbi, "jdbi"), Objects.requireNonNull(clock, "clock"),
                    Objects.requireNonNull(timers, "timers"), Objects.requireNonNull(jobs, "jobs"), Objects.requireNonNull(metrics, "metrics"), maxBody,
                    Objects.requireNonNull(enrollments, "enrollments"), Objects.requireNonNull(commands, "commands"),
                    Objects.requireNonNull(hosts, "hosts"), Objects.requireNonNull(bindings, "bindings"),
                    Objects.requireNonNull(secrets, "secrets"), Objects.requireNonNull(events, "events"),
                    Objects.requireNonNull(push, "push"), Objects.requireNonNull(backgroundPushes, "backgroundPushes"));
        }
    }
}
