package dev.jmdm.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.notContaining;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.RequestMethod;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.cms.CMSAlgorithm;
import org.bouncycastle.cms.CMSEnvelopedData;
import org.bouncycastle.cms.CMSEnvelopedDataGenerator;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.jcajce.JceCMSContentEncryptorBuilder;
import org.bouncycastle.cms.jcajce.JceKeyTransRecipientInfoGenerator;

/**
 * A stand-in for Apple's DEP API (mdmenrollment.apple.com) on WireMock, with the request and response shapes of Apple's
 * "Device Assignment" documentation: {@code GET /session} (OAuth 1.0a → {@code auth_session_token}), {@code GET /account},
 * {@code POST /server/devices} and {@code POST /devices/sync} (cursor, limit → devices, cursor, more_to_follow),
 * {@code POST /profile} (→ profile_uuid), {@code PUT /profile/devices} and {@code POST /devices/disown} (→ devices:
 * serial → SUCCESS). It also makes the {@code .p7m} server token ABM hands out, encrypted to a server's certificate.
 * Tests add the devices and errors they need; {@link #reset()} puts back the plain stubs.
 */
public final class DepStandIn implements AutoCloseable {
    public static final String CONSUMER_KEY = "CK_48dd68d198350f51258e885ce9a5c37ab7f98543c4a697323d75682a6c10a32501cb247e3db08105db868f73f2c972bdb6ae77112aea803b9219eb52689d42e6";
    public static final String CONSUMER_SECRET = "CS_34c7b2b531a600d99a0e4edcf4a78ded79b86ef318118c2f5bcfee1b011108c32d5302df801adbe29d446eb78f02b13144e323eb9aad51c79f01e50cb45c3a68";
    public static final String ACCESS_TOKEN = "AT_927696831c59ba510cfe4ec1a69e5267c19881257d4bca2906a99d0785b785a6f6fdeb09774954fdd5e2d0ad952e3af52c6d8d2f21c924ba0caf4a031c158b89";
    public static final String ACCESS_SECRET = "AS_c31afd7a09691d83548489336e8ff1cb11b82b6bca13f793344496a556b1f4972eaff4dde6deb5ac9cf076fdfa97ec97699c34d515947b9cf9ed31c99dded6ba";
    public static final String EXPIRY = "2027-12-06T16:00:00Z";
    public static final String SERVER_NAME = "jmdm test server";
    public static final String ORG_NAME = "Example School";
    private static final ObjectMapper JSON = new ObjectMapper();

    public final WireMockServer wm;
    private int generation;

    public DepStandIn() {
        wm = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort().globalTemplating(true));
        wm.start();
        reset();
    }

    /** Where the server should send its DEP calls (MDM_DEP_URL). */
    public URI url() {
        return URI.create("http://127.0.0.1:" + wm.port());
    }

    /** The plain stubs: session, account, profile define/assign, disown, and no devices. Request log cleared. */
    public void reset() {
        wm.resetAll();
        wm.stubFor(get(urlEqualTo("/session")).withHeader("Authorization", matching("OAuth .*oauth_consumer_key=\"" + CONSUMER_KEY + "\".*"))
                .willReturn(json("{\"auth_session_token\": \"{{randomValue length=32 type='ALPHANUMERIC'}}\"}")));
        wm.stubFor(get(urlEqualTo("/account")).withHeader("X-ADM-Auth-Session", matching(".+")).willReturn(json("""
                {"server_name": "%s", "server_uuid": "677cc1a1-7f3c-4b3c-9a9c-0e2f9a8b5a11", "admin_id": "admin@example.org",
                 "facilitator_id": "admin@example.org", "org_name": "%s", "org_email": "it@example.org", "org_phone": "+1 555 0100",
                 "org_address": "1 Infinite Loop, Cupertino", "org_id": "1234567", "org_type": "edu", "org_version": "v2",
                 "urls": [{"uri": "/server/devices", "http_method": ["POST"], "limit": {"default": 100, "maximum": 1000}}]}"""
                .formatted(SERVER_NAME, ORG_NAME))));
        wm.stubFor(post(urlEqualTo("/profile")).withHeader("X-ADM-Auth-Session", matching(".+"))
                .willReturn(json("{\"profile_uuid\": \"{{randomValue type='UUID'}}\", \"devices\": {}}")));
        wm.stubFor(put(urlEqualTo("/profile/devices")).withHeader("X-ADM-Auth-Session", matching(".+")).willReturn(json("""
                {"profile_uuid": "{{jsonPath request.body '$.profile_uuid'}}", "devices": { {{#each (jsonPath request.body '$.devices') as |s|}}"{{s}}": "SUCCESS"{{#unless @last}}, {{/unless}}{{/each}} } }""")));
        wm.stubFor(post(urlEqualTo("/devices/disown")).withHeader("X-ADM-Auth-Session", matching(".+")).willReturn(json("""
                {"devices": { {{#each (jsonPath request.body '$.devices') as |s|}}"{{s}}": "SUCCESS"{{#unless @last}}, {{/unless}}{{/each}} } }""")));
        devices(List.of(), 100);
    }

    /**
     * Apple's answer to a full fetch: these devices in pages of pageSize, each page's cursor leading to the next.
     *
     * @return the last page's cursor, which a later /devices/sync starts from
     */
    public String devices(List<ObjectNode> devices, int pageSize) {
        generation++;
        int pages = Math.max(1, (devices.size() + pageSize - 1) / pageSize);
        String previous = null;
        String cursor = null;
        for (int p = 0; p < pages; p++) {
            cursor = "fetch-" + generation + "-" + (p + 1);
            ObjectNode body = JSON.createObjectNode();
            ArrayNode list = body.putArray("devices");
            devices.subList(Math.min(devices.size(), p * pageSize), Math.min(devices.size(), (p + 1) * pageSize)).forEach(list::add);
            body.put("cursor", cursor).put("fetched_until", "2026-12-06T14:00:00Z").put("more_to_follow", p + 1 < pages);
            MappingBuilder m = post(urlEqualTo("/server/devices")).withHeader("X-ADM-Auth-Session", matching(".+"));
            m = previous == null ? m.withRequestBody(notContaining("\"cursor\"")) : m.withRequestBody(matchingJsonPath("$.cursor", equalTo(previous)));
            wm.stubFor(m.willReturn(json(body.toString())));
            previous = cursor;
        }
        return cursor;
    }

    /** Apple's answer to /devices/sync from a cursor: these changes (op_type added, modified, deleted) and the next cursor. */
    public void changes(String cursor, List<ObjectNode> changes, String nextCursor) {
        ObjectNode body = JSON.createObjectNode();
        changes.forEach(body.putArray("devices")::add);
        body.put("cursor", nextCursor).put("more_to_follow", false);
        wm.stubFor(post(urlEqualTo("/devices/sync")).withHeader("X-ADM-Auth-Session", matching(".+"))
                .withRequestBody(matchingJsonPath("$.cursor", equalTo(cursor))).willReturn(json(body.toString())));
    }

    /** /devices/sync refuses a cursor with Apple's 400 and error word (MALFORMED_CURSOR, EXPIRED_CURSOR). */
    public void refuseCursor(String cursor, String code) {
        wm.stubFor(post(urlEqualTo("/devices/sync")).withRequestBody(matchingJsonPath("$.cursor", equalTo(cursor)))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "text/plain").withBody(code)));
    }

    /**
     * The next calls of a path fail with these answers in turn, then the stub behind them answers (a WireMock
     * scenario placed above the path's other stubs).
     */
    public void failFirst(RequestMethod method, String path, List<ResponseDefinitionBuilder> failures) {
        String scenario = "fail " + method + " " + path + " " + (++generation);
        for (int i = 0; i < failures.size(); i++) {
            String state = i == 0 ? Scenario.STARTED : "failed-" + i;
            wm.stubFor(com.github.tomakehurst.wiremock.client.WireMock.request(method.getName(), urlEqualTo(path)).atPriority(1)
                    .inScenario(scenario).whenScenarioStateIs(state).willSetStateTo("failed-" + (i + 1)).willReturn(failures.get(i)));
        }
    }

    /** An Apple error answer: status and its error word as the body. */
    public static ResponseDefinitionBuilder error(int status, String word) {
        return aResponse().withStatus(status).withHeader("Content-Type", "text/plain").withBody(word);
    }

    /** A device as /server/devices lists it. */
    public static ObjectNode device(String serial, String model, String color, String description, String family) {
        ObjectNode d = JSON.createObjectNode();
        d.put("serial_number", serial).put("model", model).put("description", description).put("color", color)
                .put("asset_tag", "asset-" + serial).put("profile_status", "empty").put("device_assigned_date", "2026-11-02T10:15:30Z")
                .put("device_assigned_by", "admin@example.org").put("os", family.equals("Mac") ? "OSX" : "iOS").put("device_family", family);
        return d;
    }

    /** The same device as /devices/sync reports a change to it. */
    public static ObjectNode change(ObjectNode device, String opType) {
        ObjectNode d = device.deepCopy();
        d.put("op_type", opType).put("op_date", "2026-12-06T13:00:00Z");
        return d;
    }

    public List<LoggedRequest> requests(RequestMethod method, String path) {
        return wm.findAll(new RequestPatternBuilder(method, urlEqualTo(path)));
    }

    /** The .p7m ABM hands out for an MDM server whose public key is cert: S/MIME, base64 under MIME headers. */
    public static byte[] tokenFile(X509Certificate cert) {
        return smime(message(CONSUMER_KEY, CONSUMER_SECRET, ACCESS_TOKEN, ACCESS_SECRET, EXPIRY), cert);
    }

    /** What the token's envelope holds: a MIME text part with the JSON between BEGIN/END MESSAGE. */
    public static String message(String ck, String cs, String at, String as, String expiry) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("consumer_key", ck);
        m.put("consumer_secret", cs);
        m.put("access_token", at);
        m.put("access_secret", as);
        m.put("access_token_expiry", expiry);
        m.values().removeIf(java.util.Objects::isNull);
        try {
            return "Content-Type: text/plain;charset=UTF-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\n-----BEGIN MESSAGE-----\n"
                    + JSON.writeValueAsString(m) + "\n-----END MESSAGE-----\n";
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** content in CMS EnvelopedData (AES-256-CBC, RSA key transport) to cert, as S/MIME with its MIME headers. */
    public static byte[] smime(String content, X509Certificate cert) {
        try {
            CMSEnvelopedDataGenerator g = new CMSEnvelopedDataGenerator();
            g.addRecipientInfoGenerator(new JceKeyTransRecipientInfoGenerator(cert));
            CMSEnvelopedData data = g.generate(new CMSProcessableByteArray(content.getBytes(StandardCharsets.UTF_8)),
                    new JceCMSContentEncryptorBuilder(CMSAlgorithm.AES256_CBC).build());
            String b64 = Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(data.getEncoded());
            return ("Content-Type: application/pkcs7-mime; name=\"smime.p7m\"; smime-type=enveloped-data\r\n"
                    + "Content-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"smime.p7m\"\r\n"
                    + "Content-Description: S/MIME Encrypted Message\r\n\r\n" + b64 + "\r\n").getBytes(StandardCharsets.US_ASCII);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Whether a /session request's OAuth 1.0a signature is right for the stand-in's keys (RFC 5849 §3.4, HMAC-SHA1),
     * computed here from the request as received.
     */
    public boolean oauthValid(LoggedRequest r) {
        String header = r.getHeader("Authorization");
        if (header == null || !header.startsWith("OAuth ")) {
            return false;
        }
        Map<String, String> params = new TreeMap<>();
        for (String part : header.substring(6).split(",")) {
            String[] kv = part.trim().split("=", 2);
            String v = kv[1].substring(1, kv[1].length() - 1);
            params.put(kv[0], URLDecoder.decode(v, StandardCharsets.UTF_8));
        }
        String signature = params.remove("oauth_signature");
        params.remove("realm");
        if (!CONSUMER_KEY.equals(params.get("oauth_consumer_key")) || !ACCESS_TOKEN.equals(params.get("oauth_token"))
                || !"HMAC-SHA1".equals(params.get("oauth_signature_method"))) {
            return false;
        }
        List<String> pairs = new ArrayList<>();
        params.forEach((k, v) -> pairs.add(pct(k) + "=" + pct(v)));
        String base = r.getMethod().getName() + "&" + pct(url() + r.getUrl()) + "&" + pct(String.join("&", pairs));
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec((pct(CONSUMER_SECRET) + "&" + pct(ACCESS_SECRET)).getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(base.getBytes(StandardCharsets.UTF_8))).equals(signature);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pct(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20").replace("*", "%2A").replace("%7E", "~");
    }

    private static ResponseDefinitionBuilder json(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json;charset=UTF8").withBody(body);
    }

    @Override
    public void close() {
        wm.stop();
    }
}
