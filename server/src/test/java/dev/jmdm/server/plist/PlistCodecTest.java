package dev.jmdm.server.plist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dd.plist.NSData;
import com.dd.plist.NSDate;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSNumber;
import com.dd.plist.PropertyListParser;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlistCodecTest {
    private static byte[] resource(String name) throws Exception {
        try (var in = PlistCodecTest.class.getResourceAsStream("/nanomdm/" + name)) {
            return in.readAllBytes();
        }
    }

    @Test
    void parsesRealDeviceMessagesWithAppleDoctype() throws Exception {
        NSDictionary d = PlistCodec.parseDictionary(resource("Authenticate.1.plist"));
        assertThat(d.get("MessageType").toJavaObject()).isEqualTo("Authenticate");
        assertThat(d.get("SerialNumber").toJavaObject()).isEqualTo("F5JM992LF193");
    }

    @Test
    void refusesEntityDeclarations() {
        String xxe = """
                <?xml version="1.0"?>
                <!DOCTYPE plist [ <!ENTITY x SYSTEM "file:///etc/passwd"> ]>
                <plist version="1.0"><dict><key>a</key><string>&x;</string></dict></plist>""";
        assertThatThrownBy(() -> PlistCodec.parse(xxe.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(PlistException.class).hasMessageContaining("entities");
        String laughs = """
                <?xml version="1.0"?>
                <!DOCTYPE plist [ <!ENTITY a "aaaaaaaaaa"> <!ENTITY b "&a;&a;&a;&a;&a;&a;"> ]>
                <plist version="1.0"><dict><key>a</key><string>&b;</string></dict></plist>""";
        assertThatThrownBy(() -> PlistCodec.parse(laughs.getBytes(StandardCharsets.UTF_8))).isInstanceOf(PlistException.class);
    }

    @Test
    void refusesEntitiesBehindAppleDoctypeAndReadsItsUsualForms() {
        // Apple's exact DOCTYPE with an internal subset after it: the prolog is not one of the known ones, so the
        // prolog pass still runs and refuses the declaration.
        String subset = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\""
                + " \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\" [ <!ENTITY x \"y\"> ]>\n"
                + "<plist version=\"1.0\"><dict><key>a</key><string>&x;</string></dict></plist>";
        assertThatThrownBy(() -> PlistCodec.parse(subset.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(PlistException.class).hasMessageContaining("entit");
        // What dd-plist writes (the simulator's and most tools' bodies), with LF and CRLF line ends, and no DOCTYPE.
        NSDictionary d = new NSDictionary();
        d.put("MessageType", "TokenUpdate");
        String written = d.toXMLPropertyList();
        for (String body : List.of(written, written.replace("\n", "\r\n"),
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<plist version=\"1.0\"><dict><key>MessageType</key><string>TokenUpdate</string></dict></plist>")) {
            assertThat(PlistCodec.parseDictionary(body.getBytes(StandardCharsets.UTF_8)).get("MessageType").toJavaObject())
                    .isEqualTo("TokenUpdate");
        }
    }

    @Test
    void refusesUtf16BodiesThatCouldHideDeclarations() {
        byte[] utf16 = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><plist><dict/></plist>".getBytes(StandardCharsets.UTF_16);
        assertThatThrownBy(() -> PlistCodec.parse(utf16)).isInstanceOf(PlistException.class).hasMessageContaining("UTF-8");
    }

    @Test
    void refusesGarbageEmptyAndNonDictionaryBodies() {
        assertThatThrownBy(() -> PlistCodec.parse(new byte[0])).isInstanceOf(PlistException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> PlistCodec.parse("not xml".getBytes(StandardCharsets.UTF_8))).isInstanceOf(PlistException.class);
        assertThatThrownBy(() -> PlistCodec.parse("bplist00garbage".getBytes(StandardCharsets.UTF_8))).isInstanceOf(PlistException.class);
        assertThatThrownBy(() -> PlistCodec.parseDictionary("<plist><array/></plist>".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(PlistException.class).hasMessageContaining("not a dictionary");
    }

    @Test
    void readsBinaryPlists() throws Exception {
        NSDictionary d = new NSDictionary();
        d.put("Status", "Idle");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PropertyListParser.saveAsBinary(d, out);
        assertThat(PlistCodec.parseDictionary(out.toByteArray()).get("Status").toJavaObject()).isEqualTo("Idle");
    }

    @Test
    void convertsResultsToJsonWithBase64DataAndIsoDates() {
        NSDictionary d = new NSDictionary();
        d.put("Token", new NSData(new byte[] {1, 2, 3}));
        d.put("When", new NSDate(Date.from(java.time.Instant.parse("2024-05-01T12:00:00Z"))));
        d.put("Count", new NSNumber(42));
        d.put("Ratio", new NSNumber(0.5));
        d.put("Flag", new NSNumber(true));
        d.put("List", new com.dd.plist.NSArray(new NSNumber(1), new com.dd.plist.NSString("x")));
        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) PlistJson.toJsonValue(d);
        assertThat(json).containsEntry("Token", "AQID").containsEntry("When", "2024-05-01T12:00:00Z")
                .containsEntry("Count", 42L).containsEntry("Ratio", 0.5).containsEntry("Flag", true)
                .containsEntry("List", List.of(1L, "x"));
    }
}
