package dev.jmdm.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jmdm.server.protocol.CheckinMessage;
import dev.jmdm.server.protocol.Messages;
import dev.jmdm.server.testing.StoreFixture;
import dev.jmdm.server.testing.TestDatabases.Engine;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What a push certificate for another topic would cut off: the devices enrolled on each topic. */
class PushCertStoreTest {
    private static final String OLD = "com.apple.mgmt.External.old";
    private static final String OTHER = "com.apple.mgmt.External.other";

    @ParameterizedTest
    @EnumSource(Engine.class)
    void devicesAreCountedPerTopicOnceWithTheirUsersAndOnlyWhileEnrolled(Engine engine) {
        try (StoreFixture f = new StoreFixture(engine, Clock.systemUTC())) {
            PushCertStore certs = new PushCertStore(f.database.jdbi(), Clock.systemUTC());
            assertThat(certs.devicesByTopic()).isEmpty();

            tokenUpdate(f, "MAC-1", null, OLD);
            tokenUpdate(f, "MAC-1", "user-a", OLD); // a user channel of the same Mac
            tokenUpdate(f, "MAC-2", null, OLD);
            tokenUpdate(f, "MAC-3", null, OLD);
            tokenUpdate(f, "IPAD-1", null, OTHER);
            // Checked out: no longer enrolled, so nothing a new topic would cut off.
            f.database.jdbi().useHandle(h -> h.execute("UPDATE enrollments SET enabled = FALSE WHERE id = 'MAC-3'"));

            assertThat(certs.devicesByTopic()).containsExactlyInAnyOrderEntriesOf(Map.of(OLD, 2L, OTHER, 1L));
        }
    }

    private static void tokenUpdate(StoreFixture f, String udid, String userId, String topic) {
        String xml = "<?xml version=\"1.0\"?><plist><dict><key>MessageType</key><string>TokenUpdate</string>"
                + "<key>UDID</key><string>" + udid + "</string>"
                + (userId == null ? "" : "<key>UserID</key><string>" + userId + "</string><key>UserShortName</key><string>"
                        + userId + "</string>")
                + "<key>Topic</key><string>" + topic + "</string><key>PushMagic</key><string>m</string>"
                + "<key>Token</key><data>AAEC</data></dict></plist>";
        CheckinMessage.TokenUpdate t = (CheckinMessage.TokenUpdate) Messages.checkin(xml.getBytes(StandardCharsets.UTF_8));
        f.enrollments.storeTokenUpdate(t.enrollment().resolve(), t);
    }
}
