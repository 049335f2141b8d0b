package dev.jmdm.server.dep;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Collection;
import org.bouncycastle.cms.CMSEnvelopedData;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.RecipientInformation;
import org.bouncycastle.cms.jcajce.JceKeyTransEnvelopedRecipient;

/**
 * Opens the {@code .p7m} Apple Business Manager hands out for an MDM server: S/MIME (CMS EnvelopedData, as DER, PEM,
 * or base64 under MIME headers) encrypted to this server's DEP certificate, holding a text whose
 * {@code -----BEGIN MESSAGE-----} block is the token's JSON. Every refusal says what was wrong with the file.
 */
public final class TokenFile {
    private static final String BEGIN = "-----BEGIN MESSAGE-----";
    private static final String END = "-----END MESSAGE-----";
    private static final ObjectMapper MAPPER = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** The file is not a token this server can use; the message is for the admin who uploaded it. */
    public static final class BadTokenFile extends RuntimeException {
        BadTokenFile(String message) {
            super(message);
        }
    }

    private TokenFile() {
    }

    public static DepToken open(byte[] file, PrivateKey key) {
        CMSEnvelopedData envelope = envelope(file);
        Collection<RecipientInformation> recipients = envelope.getRecipientInfos().getRecipients();
        byte[] content = null;
        for (RecipientInformation r : recipients) {
            try {
                content = r.getContent(new JceKeyTransEnvelopedRecipient(key));
                break;
            } catch (CMSException | RuntimeException wrongKey) {
                // try the next recipient; none opening is reported below
            }
        }
        if (content == null) {
            throw new BadTokenFile("the token is encrypted to another key: download this server's public key from "
                    + "GET /v1/dep/certificate, upload it to the MDM server in Apple Business Manager, and download the token again");
        }
        return parseMessage(new String(content, StandardCharsets.UTF_8));
    }

    private static CMSEnvelopedData envelope(byte[] file) {
        if (file.length == 0) {
            throw new BadTokenFile("the body is empty: send the .p7m file Apple Business Manager gave");
        }
        byte[] der = file[0] == 0x30 ? file : fromText(new String(file, StandardCharsets.US_ASCII));
        try {
            return new CMSEnvelopedData(der);
        } catch (CMSException | RuntimeException e) {
            throw new BadTokenFile("not an S/MIME encrypted message (CMS EnvelopedData): send the .p7m file Apple Business Manager gave");
        }
    }

    /** PEM, MIME headers then base64, or bare base64: the base64 after any header block. */
    private static byte[] fromText(String text) {
        String body = text.replace("\r\n", "\n");
        if (body.contains("-----BEGIN ")) {
            int start = body.indexOf('\n', body.indexOf("-----BEGIN "));
            int end = body.indexOf("-----END ");
            body = start < 0 || end < start ? "" : body.substring(start, end);
        } else if (body.contains("\n\n") && looksLikeHeaders(body.substring(0, body.indexOf("\n\n")))) {
            body = body.substring(body.indexOf("\n\n") + 2);
        }
        try {
            return Base64.getMimeDecoder().decode(body.trim());
        } catch (IllegalArgumentException e) {
            throw new BadTokenFile("not an S/MIME encrypted message: the body is neither DER nor base64");
        }
    }

    private static boolean looksLikeHeaders(String block) {
        return block.lines().allMatch(l -> l.isBlank() || l.startsWith(" ") || l.startsWith("\t") || l.matches("^[A-Za-z0-9-]+:.*"));
    }

    static DepToken parseMessage(String text) {
        int b = text.indexOf(BEGIN);
        int e = text.indexOf(END);
        if (b < 0 || e < b) {
            throw new BadTokenFile("the decrypted token has no " + BEGIN + " … " + END + " block");
        }
        JsonNode json;
        try {
            json = MAPPER.readTree(text.substring(b + BEGIN.length(), e).trim());
        } catch (IOException ex) {
            throw new BadTokenFile("the token's message is not JSON");
        }
        if (json == null || !json.isObject()) {
            throw new BadTokenFile("the token's message is not a JSON object");
        }
        String ck = required(json, "consumer_key");
        String cs = required(json, "consumer_secret");
        String at = required(json, "access_token");
        String as = required(json, "access_secret");
        Instant expiry = null;
        JsonNode exp = json.get("access_token_expiry");
        if (exp != null && exp.isTextual() && !exp.asText().isBlank()) {
            try {
                expiry = Instant.parse(exp.asText().trim().replace(' ', 'T'));
            } catch (DateTimeParseException ex) {
                throw new BadTokenFile("the token's access_token_expiry is not a date: " + exp.asText());
            }
        }
        return new DepToken(ck, cs, at, as, expiry);
    }

    private static String required(JsonNode json, String field) {
        JsonNode v = json.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new BadTokenFile("the token's message lacks " + field);
        }
        if (v.asText().length() > 1024) {
            throw new BadTokenFile("the token's " + field + " is longer than 1024 characters");
        }
        return v.asText();
    }
}
