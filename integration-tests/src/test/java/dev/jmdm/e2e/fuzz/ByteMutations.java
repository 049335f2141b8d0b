package dev.jmdm.e2e.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * Mutations that know nothing of the format: flipped bytes, cuts, inserted junk, and the XML
 * tricks a hostile body may carry (DOCTYPEs with entities, broken tags, duplicated keys).
 */
final class ByteMutations {
    /** DOCTYPE headers that a parser must neither follow nor expand. */
    private static final String[] DOCTYPES = {
        "<!DOCTYPE plist [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>",
        "<!DOCTYPE plist [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
                + "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\"><!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">"
                + "<!ENTITY x \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">]>",
        "<!DOCTYPE plist SYSTEM \"http://127.0.0.1:9/evil.dtd\">",
        "<!DOCTYPE plist [<!ENTITY % p SYSTEM \"http://127.0.0.1:9/p.dtd\"> %p; <!ENTITY x \"y\">]>",
        "<!DOCTYPE plist [<!ELEMENT plist ANY><!ENTITY x \"<dict><key>UDID</key><string>evil</string></dict>\">]>",
        "<!DOCTYPE plist [<!ENTITY x SYSTEM \"/dev/zero\">]>",
    };
    private static final String[] ENCODINGS = {
        "<?xml version=\"1.0\" encoding=\"UTF-16\"?>", "<?xml version=\"1.0\" encoding=\"EBCDIC-XYZ\"?>",
        "<?xml version=\"1.1\" encoding=\"ISO-8859-1\"?>", "\uFEFF<?xml version=\"1.0\"?>", "<?xml?>", "",
    };

    private ByteMutations() {
    }

    /** One mutation picked at random. */
    static byte[] any(byte[] in, Random r) {
        return switch (r.nextInt(10)) {
            case 0, 1 -> flip(in, r);
            case 2 -> truncate(in, r);
            case 3 -> insertJunk(in, r);
            case 4 -> duplicateKey(in, r);
            case 5 -> breakTag(in, r);
            case 6, 7 -> doctype(in, r);
            case 8 -> encoding(in, r);
            default -> r.nextInt(4) == 0 ? new byte[0] : junk(r, 1 + r.nextInt(2048));
        };
    }

    static byte[] flip(byte[] in, Random r) {
        if (in.length == 0) {
            return junk(r, 8);
        }
        byte[] out = in.clone();
        for (int i = 0, n = 1 + r.nextInt(8); i < n; i++) {
            int at = r.nextInt(out.length);
            out[at] = (byte) (r.nextBoolean() ? out[at] ^ (1 << r.nextInt(8)) : r.nextInt(256));
        }
        return out;
    }

    static byte[] truncate(byte[] in, Random r) {
        return java.util.Arrays.copyOf(in, in.length == 0 ? 0 : r.nextInt(in.length));
    }

    static byte[] insertJunk(byte[] in, Random r) {
        int at = in.length == 0 ? 0 : r.nextInt(in.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(in, 0, at);
        out.writeBytes(junk(r, 1 + r.nextInt(64)));
        out.write(in, at, in.length - at);
        return out.toByteArray();
    }

    static byte[] junk(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    /** A {@code <key>…</key><value>} pair written twice, the second time maybe with another value. */
    static byte[] duplicateKey(byte[] in, Random r) {
        String s = text(in);
        int key = nth(s, "<key>", r);
        if (key < 0) {
            return flip(in, r);
        }
        int next = s.indexOf("<key>", key + 5);
        int end = s.indexOf("</dict>", key);
        int stop = next < 0 ? end : end < 0 ? next : Math.min(next, end);
        if (stop < 0) {
            return flip(in, r);
        }
        String pair = s.substring(key, stop);
        String again = r.nextBoolean() ? pair : pair.replaceFirst("</key>.*", "</key><string>duplicate</string>");
        return (s.substring(0, stop) + again + s.substring(stop)).getBytes(StandardCharsets.UTF_8);
    }

    /** A closing tag removed or mangled. */
    static byte[] breakTag(byte[] in, Random r) {
        String s = text(in);
        int at = nth(s, "</", r);
        if (at < 0) {
            return truncate(in, r);
        }
        int close = s.indexOf('>', at);
        if (close < 0) {
            return truncate(in, r);
        }
        String replacement = switch (r.nextInt(3)) {
            case 0 -> "";
            case 1 -> "<" + s.substring(at + 2, close + 1);
            default -> "</wrong>";
        };
        return (s.substring(0, at) + replacement + s.substring(close + 1)).getBytes(StandardCharsets.UTF_8);
    }

    /** The document's head replaced with a DOCTYPE that declares entities, and an entity used in a string. */
    static byte[] doctype(byte[] in, Random r) {
        String s = text(in);
        int plist = s.indexOf("<plist");
        if (plist < 0) {
            return insertJunk(in, r);
        }
        String body = s.substring(plist);
        int string = nth(body, "<string>", r);
        if (string >= 0) {
            body = body.substring(0, string + 8) + "&x;" + body.substring(string + 8);
        }
        return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + DOCTYPES[r.nextInt(DOCTYPES.length)] + "\n" + body)
                .getBytes(StandardCharsets.UTF_8);
    }

    /** A declared encoding that is not what the bytes are, or none, or a byte order mark. */
    static byte[] encoding(byte[] in, Random r) {
        String s = text(in);
        int plist = s.indexOf("<plist");
        String body = plist < 0 ? s : s.substring(plist);
        return (ENCODINGS[r.nextInt(ENCODINGS.length)] + body).getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] in) {
        return new String(in, StandardCharsets.UTF_8);
    }

    /** The index of a random occurrence of needle, or -1. */
    private static int nth(String s, String needle, Random r) {
        int count = 0;
        for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) {
            count++;
        }
        if (count == 0) {
            return -1;
        }
        int pick = r.nextInt(count);
        int i = s.indexOf(needle);
        while (pick-- > 0) {
            i = s.indexOf(needle, i + 1);
        }
        return i;
    }
}
