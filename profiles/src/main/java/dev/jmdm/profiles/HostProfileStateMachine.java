package dev.jmdm.profiles;

import java.util.Collection;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Moves a {@link HostProfileState} on the events of the MDM conversation. Pure: every method returns the
 * next state and the one thing the caller should do next, and touches nothing else.
 *
 * <pre>
 *  plan ──► PENDING ──queued──► PENDING(cmd) ──Acknowledged──► VERIFYING ──ProfileList lists it──► VERIFIED
 *              ▲                    │  Error, attempts left                   │ not listed            │ not listed
 *              └────────────────────┘  (out of attempts: FAILED)              └─► PENDING (reinstall) ◄┘
 * </pre>
 * A removal is VERIFIED (and may be forgotten) once the device acknowledges it, answers that the profile
 * is not there, or leaves it out of a ProfileList.
 *
 * <p>Answers only count for the command the state is waiting on; late answers to older commands change
 * nothing. ProfileList settles whatever the answers left open: a lost acknowledgement, a command that
 * vanished, a profile the user removed. Feed results in the order the device sent them.
 *
 * <p>Whether a RemoveProfile error means "no such profile" is a predicate. The default,
 * {@link #PROFILE_NOT_FOUND}, matches ErrorDomain {@code MDMClientError}, ErrorCode 89 ("Profile with
 * identifier '…' not found."). Apple's device-management schemas list no MDM error codes; this pair
 * comes from answers devices give in the field (https://github.com/fleetdm/fleet/issues/21713, where
 * Fleet also treats it as "already removed"). Pass another predicate if devices prove to differ.
 */
public final class HostProfileStateMachine {
    public static final int DEFAULT_MAX_ATTEMPTS = 3;

    /** RemoveProfile for a profile the device does not have: MDMClientError 89. */
    public static final Predicate<ErrorChain> PROFILE_NOT_FOUND = chain -> chain.contains("MDMClientError", 89);

    /** What the caller does after a transition. */
    public enum FollowUp {
        NONE,
        /**
         * Queue the command for the state's operation (InstallProfile of its uuid, RemoveProfile of its
         * identifier), then report it with {@link #commandQueued}.
         */
        SEND_COMMAND,
        /** Queue a ProfileList for the host, unless one is already waiting, to verify the install. */
        SEND_PROFILE_LIST,
        /** The removal is done: the state may be deleted. */
        FORGET
    }

    public record Transition(HostProfileState state, FollowUp followUp) {
        public Transition {
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(followUp, "followUp");
        }
    }

    private final int maxAttempts;
    private final Predicate<ErrorChain> profileNotFound;

    public HostProfileStateMachine() {
        this(DEFAULT_MAX_ATTEMPTS, PROFILE_NOT_FOUND);
    }

    /**
     * @param maxAttempts     commands sent for one round before it is FAILED (at least 1)
     * @param profileNotFound whether a RemoveProfile error says the profile is not on the device
     */
    public HostProfileStateMachine(int maxAttempts, Predicate<ErrorChain> profileNotFound) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, not " + maxAttempts);
        }
        this.maxAttempts = maxAttempts;
        this.profileNotFound = Objects.requireNonNull(profileNotFound, "profileNotFound");
    }

    /**
     * Applies what {@link HostReconciler} wants of a profile to the host's state for it (null when it has none).
     * The same action twice is one round: a state already installing that uuid, or already removing,
     * stays as it is, FAILED included (a new version or {@link #retry} starts over).
     */
    public Transition plan(HostProfileState current, ProfileAction action) {
        if (current != null && !current.identifier().equals(action.identifier())) {
            throw new IllegalArgumentException("the state of " + current.identifier() + " cannot take an action on "
                    + action.identifier());
        }
        Operation operation = action instanceof ProfileAction.Install ? Operation.INSTALL : Operation.REMOVE;
        String uuid = action instanceof ProfileAction.Install install ? install.uuid()
                : current == null ? null : current.uuid();
        boolean sameRound = current != null && current.operation() == operation
                && (operation == Operation.REMOVE || current.uuid().equalsIgnoreCase(uuid));
        if (!sameRound) {
            return send(HostProfileState.pending(action.identifier(), operation, uuid));
        }
        return current.status() == ProfileStatus.PENDING && current.commandUuid() == null ? send(current) : nothingToDo(current);
    }

    /** The caller queued the command a SEND_COMMAND asked for. */
    public Transition commandQueued(HostProfileState state, String commandUuid) {
        if (commandUuid == null || commandUuid.isBlank()) {
            throw new IllegalArgumentException("the CommandUUID is empty");
        }
        if (state.status() != ProfileStatus.PENDING) {
            throw new IllegalStateException("a command was queued for " + state.identifier() + ", which is " + state.status());
        }
        return nothingToDo(next(state, ProfileStatus.PENDING, commandUuid, state.attempts() + 1, state.detail()));
    }

    public Transition acknowledged(HostProfileState state, String commandUuid) {
        if (!awaits(state, commandUuid)) {
            return nothingToDo(state);
        }
        if (state.operation() == Operation.REMOVE) {
            return removed(state);
        }
        return new Transition(next(state, ProfileStatus.VERIFYING, commandUuid, state.attempts(), null),
                FollowUp.SEND_PROFILE_LIST);
    }

    /** The device answered Error: retried while attempts are left, then FAILED with the ErrorChain text. */
    public Transition error(HostProfileState state, String commandUuid, ErrorChain chain) {
        if (!awaits(state, commandUuid)) {
            return nothingToDo(state);
        }
        if (state.operation() == Operation.REMOVE && profileNotFound.test(chain)) {
            return removed(state);
        }
        return retryOrFail(state, chain.isEmpty() ? "the device answered Error without an ErrorChain" : chain.text());
    }

    /**
     * The device answered CommandFormatError: FAILED at once, since the same command would fail the
     * same way again.
     */
    public Transition commandFormatError(HostProfileState state, String commandUuid, ErrorChain chain) {
        if (!awaits(state, commandUuid)) {
            return nothingToDo(state);
        }
        String detail = "CommandFormatError" + (chain.isEmpty() ? "" : ": " + chain.text());
        return nothingToDo(next(state, ProfileStatus.FAILED, commandUuid, state.attempts(), detail));
    }

    /**
     * The host answered a ProfileList.
     *
     * @param installed          what the device listed
     * @param queuedCommandUuids the commands still waiting in this host's queue (not yet answered,
     *                           NotNow included): a pending command that is no longer there vanished
     *                           without a recorded answer, and is sent again
     */
    public Transition profileListReported(HostProfileState state, Collection<InstalledProfile> installed,
            Set<String> queuedCommandUuids) {
        boolean listed = installed.stream().anyMatch(p -> p.identifier().equals(state.identifier())
                && (state.operation() == Operation.REMOVE || p.uuid().equalsIgnoreCase(state.uuid())));
        if (state.operation() == Operation.INSTALL) {
            return listed ? installed(state) : installNotListed(state, queuedCommandUuids);
        }
        return listed ? removalStillListed(state, queuedCommandUuids) : removed(state);
    }

    /** Starts the round again from nothing sent (an administrator's "resend" of a FAILED profile). */
    public Transition retry(HostProfileState state) {
        return send(HostProfileState.pending(state.identifier(), state.operation(), state.uuid()));
    }

    private Transition installed(HostProfileState state) {
        return state.status() == ProfileStatus.VERIFIED ? nothingToDo(state)
                : nothingToDo(next(state, ProfileStatus.VERIFIED, state.commandUuid(), state.attempts(), null));
    }

    private Transition installNotListed(HostProfileState state, Set<String> queued) {
        return switch (state.status()) {
            case PENDING -> awaitOrResend(state, queued, "the profile is not installed");
            case VERIFYING -> retryOrFail(state, "the device acknowledged InstallProfile but does not list the profile");
            case VERIFIED -> send(new HostProfileState(state.identifier(), state.operation(), ProfileStatus.PENDING,
                    state.uuid(), null, 0, "the profile was removed from the device; installing it again"));
            case FAILED -> nothingToDo(state);
        };
    }

    private Transition removalStillListed(HostProfileState state, Set<String> queued) {
        return switch (state.status()) {
            case PENDING -> awaitOrResend(state, queued, "the profile is still installed");
            case VERIFYING, VERIFIED -> send(new HostProfileState(state.identifier(), state.operation(),
                    ProfileStatus.PENDING, state.uuid(), null, 0, "the profile is on the device again; removing it again"));
            case FAILED -> nothingToDo(state);
        };
    }

    private Transition awaitOrResend(HostProfileState state, Set<String> queued, String outcome) {
        if (state.commandUuid() == null) {
            return send(state);
        }
        if (queued.contains(state.commandUuid())) {
            return nothingToDo(state);
        }
        return retryOrFail(state, "the command " + state.commandUuid()
                + " left the queue without a recorded answer, and " + outcome);
    }

    private Transition retryOrFail(HostProfileState state, String detail) {
        if (state.attempts() >= maxAttempts) {
            return nothingToDo(next(state, ProfileStatus.FAILED, state.commandUuid(), state.attempts(), detail));
        }
        return send(next(state, ProfileStatus.PENDING, null, state.attempts(), detail));
    }

    private static Transition removed(HostProfileState state) {
        return new Transition(next(state, ProfileStatus.VERIFIED, state.commandUuid(), state.attempts(), null),
                FollowUp.FORGET);
    }

    private static boolean awaits(HostProfileState state, String commandUuid) {
        return state.status() == ProfileStatus.PENDING && state.commandUuid() != null
                && state.commandUuid().equals(commandUuid);
    }

    private static HostProfileState next(HostProfileState state, ProfileStatus status, String commandUuid,
            int attempts, String detail) {
        return new HostProfileState(state.identifier(), state.operation(), status, state.uuid(), commandUuid,
                attempts, detail);
    }

    private static Transition send(HostProfileState state) {
        return new Transition(state, FollowUp.SEND_COMMAND);
    }

    private static Transition nothingToDo(HostProfileState state) {
        return new Transition(state, FollowUp.NONE);
    }
}
