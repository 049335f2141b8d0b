package dev.jmdm.server.storage;

import dev.jmdm.server.protocol.CheckinMessage;
import dev.jmdm.server.protocol.EnrollmentId;
import org.jdbi.v3.core.Jdbi;

/**
 * Authenticate's one transaction, over four stores: the certificate binding (decided by the caller
 * inside the transaction), the device row, the host, the old enrollment's queue and, for a new
 * enrollment, its escrowed secrets. Either all of it is stored or none.
 */
public final class AuthenticateStore {
    /** Racing Authenticates of one machine: the loser retries with a fresh view of the hosts table. */
    static final int ATTEMPTS = 3;

    /** The caller's binding decision, run first inside the transaction. */
    @FunctionalInterface
    public interface Binding {
        /**
         * Reads and changes the device's binding; returns whether this Authenticate starts a new enrollment
         * of a known device (whose escrowed secrets then go). Throwing refuses it: nothing is stored.
         */
        boolean bind(BindingTransaction tx);
    }

    private final Jdbi jdbi;
    private final EnrollmentStore enrollments;
    private final CertBindingStore bindings;
    private final HostStore hosts;
    private final CommandStore commands;

    public AuthenticateStore(Jdbi jdbi, EnrollmentStore enrollments, CertBindingStore bindings, HostStore hosts, CommandStore commands) {
        this.jdbi = jdbi;
        this.enrollments = enrollments;
        this.bindings = bindings;
        this.hosts = hosts;
        this.commands = commands;
    }

    /**
     * Stores an Authenticate: binding first, then the device row (every channel disabled until its
     * TokenUpdate), the host it belongs to, the old enrollment's queued commands closed as Cleared, and
     * the escrowed secrets cleared when binding says this is a new enrollment. A racing Authenticate of
     * the same machine that wins the host or the binding makes this one start over, at most
     * {@link #ATTEMPTS} times. Returns the host id.
     */
    public long authenticate(EnrollmentId id, CheckinMessage.Authenticate auth, Binding binding) {
        for (int attempt = 1; ; attempt++) {
            try {
                return jdbi.inTransaction(h -> {
                    boolean newEnrollment = binding.bind(bindings.on(h));
                    enrollments.storeAuthenticate(h, id, auth);
                    long hostId = hosts.attach(h, id, auth);
                    commands.clearDevice(h, id.deviceId());
                    if (newEnrollment) {
                        enrollments.clearEscrowedSecrets(h, id.deviceId());
                    }
                    return hostId;
                });
            } catch (HostStore.ConcurrentEnrollmentException e) {
                if (attempt >= ATTEMPTS) {
                    throw e;
                }
            }
        }
    }
}
