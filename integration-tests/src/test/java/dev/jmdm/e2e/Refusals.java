package dev.jmdm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jmdm.sim.ServerReply;

/** How the server refuses device requests, as a device sees it (Apple's ErrorUnrecognizedDevice rule). */
final class Refusals {
    private Refusals() {
    }

    /**
     * A certificate that may not speak for the device it names: 403 with a JSON error and without the unenroll
     * code, so a real device in the middle of a certificate change keeps its enrollment.
     */
    static void notThisDevice(ServerReply reply, String why) {
        assertThat(reply.status()).as(why + ": " + reply.text()).isEqualTo(403);
        assertThat(reply.text()).as(why).startsWith("{\"error\":").doesNotContain(ServerReply.UNRECOGNIZED_DEVICE);
        assertThat(reply.unenrollsDevice()).as(why + ": must not unenroll the device").isFalse();
    }

    /** A device the server does not know: 403 with Apple's ErrorUnrecognizedDevice body, which unenrolls it. */
    static void unrecognized(ServerReply reply, String why) {
        assertThat(reply.status()).as(why + ": " + reply.text()).isEqualTo(403);
        assertThat(reply.contentType()).as(why).startsWith("application/json");
        assertThat(reply.text()).as(why).startsWith("{\"code\":\"" + ServerReply.UNRECOGNIZED_DEVICE + "\",\"description\":");
        assertThat(reply.unenrollsDevice()).as(why + ": must unenroll the device").isTrue();
    }
}
