package dev.jmdm.server.http;

import dev.jmdm.server.config.ApiSettings;
import dev.jmdm.server.config.Capacity;
import dev.jmdm.server.config.HttpSettings;
import dev.jmdm.server.device.CheckinService;
import dev.jmdm.server.device.CommandService;
import dev.jmdm.server.identity.DeviceIdentityResolver;
import dev.jmdm.server.push.PushService;
import dev.jmdm.server.storage.CommandStore;
import dev.jmdm.server.storage.Database;
import dev.jmdm.server.storage.EnrollmentStore;
import io.undertow.server.HttpHandler;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Everything {@link HttpServer}'s routes need, built with {@link #builder()} (named setters, defaults, checked in
 * {@code build()}): settings, the device services, what the admin API reaches, and the features' routes. No API keys
 * turn the admin API (and /migration) off.
 */
public final class HttpWiring {
    final HttpSettings http;
    final ApiSettings api;
    final Capacity capacity;
    final javax.net.ssl.SSLContext tls;
    final Database database;
    final dev.jmdm.server.metrics.Metrics metrics;
    final CheckinService checkins;
    final CommandService commandService;
    final DeviceIdentityResolver identities;
    final EnrollmentStore enrollments;
    final CommandStore commands;
    final PushService push;
    final EnqueueAudit enqueueAudit;
    final List<ApiRoutes> features;
    final Supplier<List<String>> warnings;
    final HttpHandler enroll;
    final HttpHandler scep;
    final ApiAccess access;
    final HttpHandler setupAssistant;

    private HttpWiring(Builder b) {
        http = b.http;
        api = b.api;
        capacity = b.capacity;
        tls = b.tls;
        database = b.database;
        metrics = b.metrics;
        checkins = b.checkins;
        commandService = b.commandService;
        identities = b.identities;
        enrollments = b.enrollments;
        commands = b.commands;
        push = b.push;
        enqueueAudit = b.enqueueAudit;
        features = List.copyOf(b.features);
        warnings = b.warnings;
        enroll = b.enroll;
        scep = b.scep;
        access = b.access;
        setupAssistant = b.setupAssistant;
    }

    /** The defaults of an embedded test server: :9000, 8 MiB bodies, plain HTTP, the admin API off. */
    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private HttpSettings http = HttpSettings.builder().build();
        private ApiSettings api = ApiSettings.OFF;
        private Capacity capacity = Capacity.defaults();
        private javax.net.ssl.SSLContext tls;
        private Database database;
        private dev.jmdm.server.metrics.Metrics metrics;
        private CheckinService checkins;
        private CommandService commandService;
        private DeviceIdentityResolver identities;
        private EnrollmentStore enrollments;
        private CommandStore commands;
        private PushService push;
        private EnqueueAudit enqueueAudit;
        private List<ApiRoutes> features = List.of();
        private Supplier<List<String>> warnings = List::of;
        private HttpHandler enroll;
        private HttpHandler scep;
        private ApiAccess access = ApiAccess.NONE;
        private HttpHandler setupAssistant;

        private Builder() {
        }

        /** Sessions and the roles routes need; default none (API keys only). */
        public Builder access(ApiAccess access) {
            this.access = access;
            return this;
        }

        /** Listen address, body limit and proxy certificate header; default :9000, 8 MiB, none. */
        public Builder http(HttpSettings http) {
            this.http = http;
            return this;
        }

        /** Admin API keys and /migration; default off. */
        public Builder api(ApiSettings api) {
            this.api = api;
            return this;
        }

        /** Workers and HTTP timeouts; default {@link Capacity#defaults()}. */
        public Builder capacity(Capacity capacity) {
            this.capacity = capacity;
            return this;
        }

        /** HTTPS with this context; default plain HTTP. */
        public Builder tls(javax.net.ssl.SSLContext tls) {
            this.tls = tls;
            return this;
        }

        /** Pinged by /readyz. Required. */
        public Builder database(Database database) {
            this.database = database;
            return this;
        }

        /** Request timings, scraped at /metrics. Required. */
        public Builder metrics(dev.jmdm.server.metrics.Metrics metrics) {
            this.metrics = metrics;
            return this;
        }

        /**
         * The device endpoints' services (required) and who the devices are; a null resolver refuses every device
         * request (no device CA configured).
         */
        public Builder devices(CheckinService checkins, CommandService commandService, DeviceIdentityResolver identities) {
            this.checkins = checkins;
            this.commandService = commandService;
            this.identities = identities;
            return this;
        }

        /** What the raw enqueue, push and queue routes reach; required when the API is on. */
        public Builder queue(EnrollmentStore enrollments, CommandStore commands, PushService push, EnqueueAudit enqueueAudit) {
            this.enrollments = enrollments;
            this.commands = commands;
            this.push = push;
            this.enqueueAudit = enqueueAudit;
            return this;
        }

        /** The features' admin routes, registered in this order; default none. */
        public Builder features(List<? extends ApiRoutes> features) {
            this.features = List.copyOf(features);
            return this;
        }

        /** What /readyz lists as warnings while the server stays ready; default none. */
        public Builder warnings(Supplier<List<String>> warnings) {
            this.warnings = warnings;
            return this;
        }

        /** {@code GET}/{@code POST /scep}; default none (the route does not exist). */
        public Builder scep(HttpHandler scep) {
            this.scep = scep;
            return this;
        }

        /** {@code POST /mdm/enroll} (Setup Assistant's signed MachineInfo); default none (the route does not exist). */
        public Builder setupAssistant(HttpHandler setupAssistant) {
            this.setupAssistant = setupAssistant;
            return this;
        }

        /** {@code GET /mdm/enroll}; default none (the route does not exist). */
        public Builder enroll(HttpHandler enroll) {
            this.enroll = enroll;
            return this;
        }

        public HttpWiring build() {
            Objects.requireNonNull(http, "http");
            Objects.requireNonNull(api, "api");
            Objects.requireNonNull(capacity, "capacity");
            Objects.requireNonNull(database, "database");
            Objects.requireNonNull(metrics, "metrics");
            Objects.requireNonNull(checkins, "checkins");
            Objects.requireNonNull(commandService, "commandService");
            Objects.requireNonNull(warnings, "warnings");
            Objects.requireNonNull(access, "access");
            if ((api.enabled() || access.hasUsers()) && (enrollments == null || commands == null || push == null || enqueueAudit == null)) {
                throw new IllegalStateException("the admin API needs the queue: enrollments, commands, push and enqueue audit");
            }
            return new HttpWiring(this);
        }
    }
}
