package dev.jmdm.server.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How long the command queue keeps what is finished and waits for what is not.
 *
 * @param resultRetention finished queue rows (answered, canceled, cleared, expired) and their results stay readable this
 *                        long after they finished, then are deleted in small batches, with commands no row names any
 *                        more (MDM_RESULT_RETENTION); zero: kept for ever
 * @param commandTtl      a command still pending after this long, for an enrollment not seen for as long, ends as
 *                        {@code Expired} (MDM_COMMAND_TTL); profile commands are left to the reconciler, which
 *                        supersedes them; zero: never
 */
public record QueueSettings(Duration resultRetention, Duration commandTtl) {
    public static final Duration DEFAULT_RESULT_RETENTION = Duration.ofDays(30);
    public static final Duration DEFAULT_COMMAND_TTL = Duration.ofDays(30);
    /** Shorter would delete answers before anyone looked at them (and inventory's raw answers before the next refresh). */
    public static final Duration MIN = Duration.ofDays(1);
    public static final Duration MAX = Duration.ofDays(3650);

    public QueueSettings {
        Objects.requireNonNull(resultRetention, "resultRetention");
        Objects.requireNonNull(commandTtl, "commandTtl");
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private Duration resultRetention = DEFAULT_RESULT_RETENTION;
        private Duration commandTtl = DEFAULT_COMMAND_TTL;

        private Builder() {
        }

        public Builder resultRetention(Duration resultRetention) {
            this.resultRetention = resultRetention;
            return this;
        }

        public Builder commandTtl(Duration commandTtl) {
            this.commandTtl = commandTtl;
            return this;
        }

        public QueueSettings build() {
            return new QueueSettings(resultRetention, commandTtl);
        }
    }
}
