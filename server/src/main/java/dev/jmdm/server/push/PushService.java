package dev.jmdm.server.push;

import dev.jmdm.apns.PushOutcome;
import dev.jmdm.apns.PushSender;
import dev.jmdm.apns.PushTarget;
import dev.jmdm.server.storage.EnrollmentStore;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes {@code {"mdm": PushMagic}} to enrollments and records what APNs said: a token APNs
 * calls gone is marked invalid and skipped until the device's next TokenUpdate.
 */
public final class PushService {
    private static final Logger LOG = LoggerFactory.getLogger(PushService.class);
    /** How long an API call waits for APNs's answers before reporting the rest as pending. */
    static final long WAIT_SECONDS = 60;

    private final EnrollmentStore enrollments;
    private final PushSender sender;
    private final Runnable refreshCertificates;

    /** @param refreshCertificates loads certificates changed through other servers; run before each push call */
    public PushService(EnrollmentStore enrollments, PushSender sender, Runnable refreshCertificates) {
        this.enrollments = enrollments;
        this.sender = sender;
        this.refreshCertificates = refreshCertificates;
    }

    /** One result per requested id, in request order. */
    public Map<String, PushResult> push(Collection<String> enrollmentIds) {
        Map<String, PushResult> results = new LinkedHashMap<>();
        Map<String, EnrollmentStore.PushInfo> found = new LinkedHashMap<>();
        for (EnrollmentStore.PushInfo e : enrollments.pushInfo(enrollmentIds)) {
            found.put(e.id(), e);
        }
        List<PushTarget> targets = new ArrayList<>();
        for (String id : enrollmentIds) {
            EnrollmentStore.PushInfo e = found.get(id);
            if (e == null) {
                results.put(id, PushResult.notPushable("unknown enrollment"));
            } else if (!e.enabled()) {
                results.put(id, PushResult.notPushable("enrollment is disabled (checked out or awaiting TokenUpdate)"));
            } else if (e.tokenInvalid()) {
                results.put(id, PushResult.notPushable("APNs rejected this token (" + e.tokenInvalidReason()
                        + "); waiting for the device's next TokenUpdate"));
            } else {
                PushTarget target = target(e);
                if (target == null) {
                    results.put(id, PushResult.notPushable("the stored push details (Topic, PushMagic, Token) are incomplete;"
                            + " waiting for the device's next TokenUpdate"));
                } else {
                    results.put(id, null);
                    targets.add(target);
                }
            }
        }
        if (targets.isEmpty()) {
            return results;
        }
        refreshCertificates.run();
        Map<String, PushOutcome> outcomes;
        try {
            outcomes = sender.pushAll(targets).get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            targets.forEach(t -> results.put(t.enrollmentId(), PushResult.failed("APNs did not answer within " + WAIT_SECONDS + " s")));
            return results;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while pushing", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("push failed unexpectedly", e.getCause());
        }
        Map<String, String> pushed = new HashMap<>();
        targets.forEach(t -> pushed.put(t.enrollmentId(), t.tokenHex()));
        List<String> sent = new ArrayList<>();
        outcomes.forEach((id, outcome) -> {
            if (outcome instanceof PushOutcome.Sent s) {
                results.put(id, PushResult.sent(s.apnsId().toString()));
                sent.add(id);
            } else if (outcome instanceof PushOutcome.TokenInvalid t) {
                if (enrollments.markTokenInvalid(id, pushed.get(id), t.reason())) {
                    LOG.info("APNs says the token of {} is gone ({}); not pushing it until TokenUpdate", id, t.reason());
                } else {
                    LOG.info("APNs says the old token of {} is gone ({}); it has sent a new one since", id, t.reason());
                }
                results.put(id, PushResult.failed("APNs rejected the token: " + t.reason()));
            } else if (outcome instanceof PushOutcome.Failed f) {
                results.put(id, PushResult.failed(f.reason() + (f.statusCode() > 0 ? " (APNs status " + f.statusCode() + ")" : "")));
            }
        });
        enrollments.recordPushed(sent);
        return results;
    }

    /**
     * The push target, or null when a stored row lacks what a push needs (rows written before
     * TokenUpdate was validated, or by hand): one such row must not cost the other ids their push.
     */
    private static PushTarget target(EnrollmentStore.PushInfo e) {
        try {
            return new PushTarget(e.id(), e.topic(), e.tokenHex(), e.pushMagic());
        } catch (IllegalArgumentException invalid) {
            LOG.warn("not pushing {}: {}", e.id(), invalid.getMessage());
            return null;
        }
    }
}
