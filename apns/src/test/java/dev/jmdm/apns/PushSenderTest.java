package dev.jmdm.apns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.eatthepath.pushy.apns.server.RejectedNotificationException;
import com.eatthepath.pushy.apns.server.RejectionReason;
import com.eatthepath.pushy.apns.server.UnregisteredDeviceTokenException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** PushSender against Pushy's mock APNs over real TLS on loopback, with certificates from certs-dev. */
class PushSenderTest {
    private static final String TOPIC = TestPki.newTopic();
    private static final PushCertificate CERT = TestPki.pushCertificate(TOPIC);
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2030-05-01T12:00:00Z"), ZoneOffset.UTC);

    private MockApns apns;
    private PushSender sender;

    @AfterEach
    void stop() throws Exception {
        if (sender != null) {
            sender.close();
        }
        if (apns != null) {
            apns.close();
        }
    }

    @Test
    void sendsTheMdmWakeupAsApnsExpectsIt() throws Exception {
        start(MockApns.ACCEPT);
        String token = "3f1c".repeat(16);

        PushOutcome outcome = push(new PushTarget("UDID-1", TOPIC, token, "C2F8D5B4-66E5-4D85-9F31-0F0E7B4F1A2B"));

        assertThat(outcome).isInstanceOfSatisfying(PushOutcome.Sent.class, sent -> assertThat(sent.apnsId()).isNotNull());
        assertThat(apns.received).singleElement().satisfies(push -> {
            assertThat(new String(push.payload(), StandardCharsets.UTF_8))
                    .isEqualTo("{\"mdm\":\"C2F8D5B4-66E5-4D85-9F31-0F0E7B4F1A2B\"}");
            assertThat(push.token()).isEqualTo(token);
            assertThat(push.topic()).isEqualTo(TOPIC);
            assertThat(push.pushType()).isEqualTo("mdm");
            assertThat(push.priority()).isEqualTo("10");
            assertThat(push.expiration())
                    .isEqualTo(String.valueOf(CLOCK.instant().plus(Duration.ofDays(3)).getEpochSecond()));
            assertThat(push.clientSerial()).isEqualTo(CERT.certificate().getSerialNumber());
        });
        assertStats(1, 0, 0, 0);
    }

    @Test
    void unregisteredTokenIsInvalid() throws Exception {
        start(push -> {
            throw new UnregisteredDeviceTokenException(Instant.now());
        });

        assertThat(push(target("a"))).isEqualTo(new PushOutcome.TokenInvalid("Unregistered"));
        assertThat(apns.received).hasSize(1);
        assertStats(0, 1, 0, 0);
    }

    @Test
    void badDeviceTokenIsInvalid() throws Exception {
        start(push -> {
            throw new RejectedNotificationException(RejectionReason.BAD_DEVICE_TOKEN);
        });

        assertThat(push(target("a"))).isEqualTo(new PushOutcome.TokenInvalid("BadDeviceToken"));
        assertThat(apns.received).hasSize(1);
        assertStats(0, 1, 0, 0);
    }

    @Test
    void otherRefusalsFailAtOnceWithoutBlamingTheToken() throws Exception {
        start(push -> {
            throw new RejectedNotificationException(RejectionReason.DEVICE_TOKEN_NOT_FOR_TOPIC);
        });

        assertThat(push(target("a"))).isEqualTo(new PushOutcome.Failed("DeviceTokenNotForTopic", 400));
        assertThat(apns.received).hasSize(1);
        assertStats(0, 0, 1, 0);
    }

    @ParameterizedTest
    @EnumSource(value = RejectionReason.class, names = {"INTERNAL_SERVER_ERROR", "SERVICE_UNAVAILABLE", "TOO_MANY_REQUESTS"})
    void transientErrorsAreRetriedUntilAccepted(RejectionReason reason) throws Exception {
        AtomicInteger calls = new AtomicInteger();
        start(push -> {
            if (calls.incrementAndGet() <= 2) {
                throw new RejectedNotificationException(reason);
            }
        });

        assertThat(push(target("a"))).isInstanceOf(PushOutcome.Sent.class);
        assertThat(apns.received).hasSize(3);
        assertStats(1, 0, 0, 2);
    }

    @Test
    void lastingServerErrorFailsAfterTheLastAttempt() throws Exception {
        start(push -> {
            throw new RejectedNotificationException(RejectionReason.INTERNAL_SERVER_ERROR);
        });

        assertThat(push(target("a"))).isEqualTo(new PushOutcome.Failed("InternalServerError", 500));
        assertThat(apns.received).hasSize(3);
        assertStats(0, 0, 1, 2);
    }

    @Test
    void retriesWaitTheJitteredExponentialBackoff() throws Exception {
        List<Duration> waits = Collections.synchronizedList(new ArrayList<>());
        apns = MockApns.start(push -> {
            throw new RejectedNotificationException(RejectionReason.SERVICE_UNAVAILABLE);
        });
        PushSettings settings = apns.settings()
                .retry(new RetryPolicy(4, Duration.ofMillis(10), Duration.ofMillis(25), 0.5)).build();
        sender = new PushSender(settings, delay -> {
            waits.add(delay);
            return CompletableFuture.completedFuture(null);
        }, () -> 0.5, ForkJoinPool.commonPool());
        sender.updateCertificate(CERT);

        assertThat(push(target("a"))).isEqualTo(new PushOutcome.Failed("ServiceUnavailable", 503));
        // 10, 20, then 25 (the cap) ms, each less a quarter: half the jitter fraction at a draw of 0.5
        assertThat(waits).containsExactly(Duration.ofMillis(10).multipliedBy(3).dividedBy(4),
                Duration.ofMillis(15), Duration.ofMillis(25).multipliedBy(3).dividedBy(4));
    }

    @Test
    void unansweredAttemptTimesOutAndIsRetried() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        // the stalled answer holds up the whole connection, so the retry waits until the server is free again
        start(push -> {
            if (calls.incrementAndGet() == 1) {
                sleep(300);
            }
        }, settings -> settings.attemptTimeout(Duration.ofMillis(100))
                .retry(new RetryPolicy(2, Duration.ofMillis(400), Duration.ofMillis(400), 0)));

        assertThat(push(target("a"))).isInstanceOf(PushOutcome.Sent.class);
        assertThat(sender.stats().retried()).isEqualTo(1);
    }

    @Test
    void unreachableApnsFailsAfterRetriesWithoutAnHttpStatus() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        // two attempts: Pushy waits a second of its own before reconnecting after a failed connection
        sender = new PushSender(PushSettings.builder().server("127.0.0.1", closedPort)
                .trustedServerCertificates(List.of(TestPki.CA.certificate()))
                .retry(new RetryPolicy(2, Duration.ofMillis(1), Duration.ofMillis(1), 0)).build());
        sender.updateCertificate(CERT);

        assertThat(push(target("a"))).isInstanceOfSatisfying(PushOutcome.Failed.class, failed -> {
            assertThat(failed.statusCode()).isEqualTo(PushOutcome.Failed.NO_RESPONSE);
            assertThat(failed.reason()).containsIgnoringCase("connection refused");
        });
        assertStats(0, 0, 1, 1);
    }

    @Test
    void topicWithoutCertificateFailsWithoutSending() throws Exception {
        start(MockApns.ACCEPT);
        String unknown = TestPki.newTopic();

        assertThat(push(new PushTarget("a", unknown, "00", "magic")))
                .isEqualTo(new PushOutcome.Failed("no push certificate for topic " + unknown, 0));
        assertThat(apns.received).isEmpty();
        assertStats(0, 0, 1, 0);
    }

    @Test
    void eachTopicUsesItsOwnCertificate() throws Exception {
        String otherTopic = TestPki.newTopic();
        PushCertificate otherCert = TestPki.pushCertificate(otherTopic);
        start(MockApns.ACCEPT);
        sender.updateCertificate(otherCert);

        PushOutcome first = push(target("a"));
        PushOutcome second = push(new PushTarget("b", otherTopic, "0b", "magic"));

        // the mock refuses a push whose topic is not its connection's certificate's UID, as APNs does
        assertThat(List.of(first, second)).allMatch(PushOutcome.Sent.class::isInstance);
        assertThat(apns.received).extracting(MockApns.Received::clientSerial)
                .containsExactly(CERT.certificate().getSerialNumber(), otherCert.certificate().getSerialNumber());
    }

    @Test
    void renewedCertificateIsUsedWithoutRestart() throws Exception {
        start(MockApns.ACCEPT);
        assertThat(push(target("before"))).isInstanceOf(PushOutcome.Sent.class);
        PushCertificate renewed = TestPki.pushCertificate(TOPIC);

        sender.updateCertificate(renewed);

        assertThat(push(target("after"))).isInstanceOf(PushOutcome.Sent.class);
        assertThat(apns.received).extracting(MockApns.Received::clientSerial)
                .containsExactly(CERT.certificate().getSerialNumber(), renewed.certificate().getSerialNumber());
    }

    @Test
    void renewalDuringAFanOutLosesNoPush() throws Exception {
        CountDownLatch fiftyArrived = new CountDownLatch(50);
        start(push -> {
            fiftyArrived.countDown();
            sleep(1);
        }, settings -> settings.maxInFlight(20).retry(new RetryPolicy(5, Duration.ofMillis(1), Duration.ofMillis(5), 0.5)));
        PushCertificate renewed = TestPki.pushCertificate(TOPIC);
        List<PushTarget> targets = targets(300);

        CompletableFuture<Map<String, PushOutcome>> all = sender.pushAll(targets);
        assertThat(fiftyArrived.await(10, TimeUnit.SECONDS)).isTrue();
        sender.updateCertificate(renewed);
        Map<String, PushOutcome> outcomes = all.get(30, TimeUnit.SECONDS);

        assertThat(outcomes.values()).hasSize(300).allMatch(PushOutcome.Sent.class::isInstance);
        assertThat(apns.received).extracting(MockApns.Received::clientSerial)
                .contains(CERT.certificate().getSerialNumber(), renewed.certificate().getSerialNumber());
        assertThat(apns.received).extracting(MockApns.Received::token)
                .containsAll(targets.stream().map(PushTarget::tokenHex).toList());
    }

    @Test
    void fanOutDeliversEachTargetExactlyOnceWithinTheInFlightCap() throws Exception {
        ConcurrencyProbe probe = new ConcurrencyProbe();
        startOverlapping(probe, CAP);
        List<PushTarget> targets = targets(1000);

        Map<String, PushOutcome> outcomes = sender.pushAll(targets).get(30, TimeUnit.SECONDS);

        assertThat(outcomes).hasSize(1000);
        assertThat(outcomes.values()).allMatch(PushOutcome.Sent.class::isInstance);
        assertThat(apns.received).extracting(MockApns.Received::token)
                .containsExactlyInAnyOrderElementsOf(targets.stream().map(PushTarget::tokenHex).toList());
        // at least 2 shows the setup can overlap pushes at all, so the upper bound is a real check
        assertThat(probe.max()).isBetween(2, CAP);
        assertThat(sender.stats().sent()).isEqualTo(WARM_UP + 1000);
    }

    @Test
    void withoutTheCapTheSameFanOutOverlapsMore() throws Exception {
        ConcurrencyProbe probe = new ConcurrencyProbe();
        startOverlapping(probe, PushSettings.DEFAULT_MAX_IN_FLIGHT);

        sender.pushAll(targets(1000)).get(30, TimeUnit.SECONDS);

        // the control for the test above: same server, same connections, and more than CAP handled at once
        assertThat(probe.max()).isGreaterThan(CAP);
    }

    @Test
    void duplicateEnrollmentIdsArePushedOnce() throws Exception {
        start(MockApns.ACCEPT);
        PushTarget first = new PushTarget("UDID-A", TOPIC, "aa01", "m1");
        PushTarget again = new PushTarget("UDID-A", TOPIC, "aa02", "m2");
        PushTarget other = new PushTarget("UDID-B", TOPIC, "bb01", "m3");

        Map<String, PushOutcome> outcomes = sender.pushAll(List.of(first, again, other, first)).get(10, TimeUnit.SECONDS);

        assertThat(outcomes).containsOnlyKeys("UDID-A", "UDID-B");
        assertThat(apns.received).extracting(MockApns.Received::token).containsExactlyInAnyOrder("aa01", "bb01");
    }

    @Test
    void closeIsIdempotentAndLaterPushesFail() throws Exception {
        start(MockApns.ACCEPT);
        sender.close();
        sender.close();

        assertThat(push(target("a"))).isEqualTo(new PushOutcome.Failed("the push sender is closed", 0));
        assertThatThrownBy(() -> sender.updateCertificate(CERT)).isInstanceOf(IllegalStateException.class);
        assertThat(apns.received).isEmpty();
    }

    @Test
    void closeEndsWithinItsBoundAndEndsPendingPushesWhileApnsNeverAnswers() throws Exception {
        try (SilentApns silent = new SilentApns()) {
            // the default 30 s attempt timeout: only close() can end this push early
            sender = new PushSender(PushSettings.builder().server("127.0.0.1", silent.port())
                    .trustedServerCertificates(List.of(TestPki.CA.certificate())).build());
            sender.updateCertificate(CERT);
            CompletableFuture<PushOutcome> pending = sender.push(target("a"));
            long waited = System.nanoTime();
            while (silent.connections() == 0 && System.nanoTime() - waited < TimeUnit.SECONDS.toNanos(5)) {
                sleep(20);
            }
            assertThat(silent.connections()).as("the sender reached the silent APNs").isPositive();

            long start = System.nanoTime();
            sender.close();
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(took).isLessThan(PushSettings.DEFAULT_CLOSE_TIMEOUT.plusSeconds(2));
            assertThat(pending).isCompletedWithValueMatching(o -> o instanceof PushOutcome.Failed f
                    && f.reason().contains("closed"), "failed because the sender closed");
        }
    }

    private static final int CAP = 8;
    private static final int CONNECTIONS = 2 * CAP;
    private static final int WARM_UP = 2 * CONNECTIONS;

    /** Counts pushes being handled at once; each takes a millisecond so neighbours can overlap. */
    private static final class ConcurrencyProbe implements MockApns.Behaviour {
        private final AtomicInteger now = new AtomicInteger();
        private final AtomicInteger max = new AtomicInteger();

        @Override
        public void answer(MockApns.Received push) {
            max.accumulateAndGet(now.incrementAndGet(), Math::max);
            sleep(1);
            now.decrementAndGet();
        }

        int max() {
            return max.get();
        }

        void reset() {
            max.set(0);
        }
    }

    /**
     * {@link #CONNECTIONS} connections, each on its own server thread, so only the sender's cap limits the overlap. They are opened by
     * a warm-up first: Pushy hands a burst to whichever connection is up first, and only spreads it over connections
     * that are already open.
     */
    private void startOverlapping(ConcurrencyProbe probe, int maxInFlight) throws Exception {
        apns = MockApns.start(probe, CONNECTIONS);
        sender = new PushSender(apns.settings().maxInFlight(maxInFlight).connectionsPerTopic(CONNECTIONS).build());
        sender.updateCertificate(CERT);
        sender.pushAll(IntStream.range(0, WARM_UP).mapToObj(i -> target("warm-up-" + i)).toList()).get(10, TimeUnit.SECONDS);
        apns.received.clear();
        probe.reset();
    }

    private void start(MockApns.Behaviour behaviour) throws Exception {
        start(behaviour, settings -> settings);
    }

    private void start(MockApns.Behaviour behaviour, UnaryOperator<PushSettings.Builder> tweak) throws Exception {
        apns = MockApns.start(behaviour);
        sender = new PushSender(tweak.apply(apns.settings().clock(CLOCK)).build());
        sender.updateCertificate(CERT);
    }

    private PushOutcome push(PushTarget target) throws Exception {
        return sender.push(target).get(10, TimeUnit.SECONDS);
    }

    private void assertStats(long sent, long tokenInvalid, long failed, long retried) {
        PushStats stats = sender.stats();
        assertThat(List.of(stats.sent(), stats.tokenInvalid(), stats.failed(), stats.retried()))
                .as("sent, tokenInvalid, failed, retried")
                .containsExactly(sent, tokenInvalid, failed, retried);
    }

    private static PushTarget target(String enrollmentId) {
        return new PushTarget(enrollmentId, TOPIC, HexFormat.of().formatHex(enrollmentId.getBytes(StandardCharsets.UTF_8)),
                "magic-" + enrollmentId);
    }

    private static List<PushTarget> targets(int count) {
        return IntStream.range(0, count).mapToObj(i -> target("UDID-" + i)).toList();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
