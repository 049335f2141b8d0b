package dev.jmdm.e2e.fuzz;

import com.dd.plist.BinaryPropertyListWriter;
import com.dd.plist.NSArray;
import com.dd.plist.NSData;
import com.dd.plist.NSDate;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSNumber;
import com.dd.plist.NSObject;
import com.dd.plist.NSString;
import com.dd.plist.PropertyListParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded, reproducible mutations of a real plist: values swapped for another type, over-long
 * values, keys removed, added or written twice, wrong MessageType/Status/RequestType, deep
 * nesting, huge arrays; then written as XML or binary, and sometimes damaged byte by byte.
 * The same seed gives the same inputs.
 */
public final class PlistMutator {
    /** Keys the server reads somewhere, so added keys hit code rather than being ignored. */
    static final String[] KEYS = {
        "UDID", "EnrollmentID", "EnrollmentUserID", "UserID", "UserShortName", "UserLongName", "Topic", "PushMagic",
        "Token", "UnlockToken", "MessageType", "Status", "CommandUUID", "RequestType", "Command", "SerialNumber",
        "OSVersion", "ProductName", "DeviceName", "BuildVersion", "Model", "BootstrapToken", "AwaitingConfiguration",
        "ErrorChain", "QueryResponses", "SecurityInfo", "InstalledApplicationList", "ProfileList", "CertificateList",
        "Identifier", "Identifiers", "ManagedAppsOnly", "PayloadIdentifier", "PayloadUUID", "PayloadType",
        "PayloadContent", "PayloadDisplayName", "PayloadVersion", "Queries", "Payload", "ErrorCode", "ErrorDomain",
        "LocalizedDescription", "MessageResult", "NotOnConsole", "IsSupervised", "Endpoint", "Data",
    };
    static final String[] MESSAGE_TYPES = {
        "Authenticate", "TokenUpdate", "CheckOut", "UserAuthenticate", "SetBootstrapToken", "GetBootstrapToken",
        "DeclarativeManagement", "GetToken", "ReturnToService", "Bogus", "", " Authenticate", "tokenupdate",
    };
    static final String[] STATUSES = {
        "Idle", "Acknowledged", "Error", "CommandFormatError", "NotNow", "Bogus", "", "acknowledged", "Idle ",
    };
    static final String[] REQUEST_TYPES = {
        "DeviceInformation", "SecurityInfo", "InstalledApplicationList", "ProfileList", "InstallProfile", "RemoveProfile",
        "DeviceLock", "EraseDevice", "CertificateList", "Bogus", "", "R".repeat(200),
    };

    private final Random r;

    public PlistMutator(Random r) {
        this.r = r;
    }

    /** One mutated input made from the seed document. */
    public byte[] mutate(NSObject seed) {
        NSObject doc = copy(seed);
        for (int i = 0, n = 1 + r.nextInt(3); i < n; i++) {
            doc = structural(doc);
        }
        byte[] bytes = write(doc);
        if (r.nextInt(10) < 3) {
            bytes = ByteMutations.any(bytes, r);
        }
        return bytes;
    }

    private byte[] write(NSObject doc) {
        if (r.nextInt(10) == 0) {
            try {
                return BinaryPropertyListWriter.writeToArray(doc);
            } catch (IOException | RuntimeException e) {
                // some trees have no binary form (say a null slipped in); XML it is
            }
        }
        try {
            return doc.toXMLPropertyList().getBytes(StandardCharsets.UTF_8);
        } catch (RuntimeException e) {
            // dd-plist cannot write some strings (lone surrogates) as XML; bytes flipped later cover those
            return ByteMutations.junk(r, 16);
        }
    }

    static NSObject copy(NSObject o) {
        try {
            return PropertyListParser.parse(o.toXMLPropertyList().getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException("a seed that does not round-trip", e);
        }
    }

    /** A place in the tree that can hold a value: a dictionary key or an array index. */
    private record Slot(NSObject parent, String key, int index) {
        NSObject get() {
            return parent instanceof NSDictionary d ? d.get(key) : ((NSArray) parent).objectAtIndex(index);
        }

        void set(NSObject value) {
            if (parent instanceof NSDictionary d) {
                d.put(key, value);
            } else {
                ((NSArray) parent).setValue(index, value);
            }
        }
    }

    private static void slots(NSObject o, List<Slot> out, int depth) {
        if (depth > 40) {
            return;
        }
        if (o instanceof NSDictionary d) {
            for (String k : d.allKeys()) {
                out.add(new Slot(d, k, -1));
                slots(d.get(k), out, depth + 1);
            }
        } else if (o instanceof NSArray a) {
            for (int i = 0; i < a.count(); i++) {
                out.add(new Slot(a, null, i));
                slots(a.objectAtIndex(i), out, depth + 1);
            }
        }
    }

    private static List<NSDictionary> dictionaries(NSObject root) {
        List<NSDictionary> out = new ArrayList<>();
        if (root instanceof NSDictionary d) {
            out.add(d);
        }
        List<Slot> all = new ArrayList<>();
        slots(root, all, 0);
        for (Slot s : all) {
            if (s.get() instanceof NSDictionary d) {
                out.add(d);
            }
        }
        return out;
    }

    private NSObject structural(NSObject doc) {
        List<Slot> slots = new ArrayList<>();
        slots(doc, slots, 0);
        Slot slot = slots.isEmpty() ? null : slots.get(r.nextInt(slots.size()));
        switch (r.nextInt(9)) {
            case 0, 1 -> {
                if (slot != null) {
                    slot.set(value(2));
                }
            }
            case 2 -> {
                if (slot != null) {
                    slot.set(new NSString(longText()));
                }
            }
            case 3 -> {
                List<NSDictionary> dicts = dictionaries(doc);
                if (!dicts.isEmpty()) {
                    NSDictionary d = dicts.get(r.nextInt(dicts.size()));
                    if (d.count() > 0) {
                        d.remove(d.allKeys()[r.nextInt(d.count())]);
                    }
                }
            }
            case 4 -> {
                List<NSDictionary> dicts = dictionaries(doc);
                if (!dicts.isEmpty()) {
                    dicts.get(r.nextInt(dicts.size())).put(pick(KEYS), value(2));
                }
            }
            case 5 -> wrongEnum(doc);
            case 6 -> {
                NSObject deep = nested(50 + r.nextInt(700));
                if (slot != null) {
                    slot.set(deep);
                } else {
                    return deep;
                }
            }
            case 7 -> {
                if (slot != null) {
                    slot.set(hugeArray());
                }
            }
            default -> {
                if (slot != null) {
                    slot.set(edgeValue());
                }
            }
        }
        return doc;
    }

    private void wrongEnum(NSObject doc) {
        if (!(doc instanceof NSDictionary d)) {
            return;
        }
        switch (r.nextInt(3)) {
            case 0 -> d.put("MessageType", pick(MESSAGE_TYPES));
            case 1 -> d.put("Status", pick(STATUSES));
            default -> {
                if (d.get("Command") instanceof NSDictionary c) {
                    c.put("RequestType", pick(REQUEST_TYPES));
                } else {
                    d.put("RequestType", pick(REQUEST_TYPES));
                }
            }
        }
    }

    private NSObject nested(int depth) {
        NSObject o = new NSString("bottom");
        for (int i = 0; i < depth; i++) {
            if (r.nextBoolean()) {
                NSDictionary d = new NSDictionary();
                d.put(pick(KEYS), o);
                o = d;
            } else {
                o = new NSArray(o);
            }
        }
        return o;
    }

    private NSArray hugeArray() {
        int n = 100 + r.nextInt(4000);
        NSArray a = new NSArray(n);
        NSObject item = r.nextBoolean() ? new NSString("x") : new NSNumber(r.nextInt());
        for (int i = 0; i < n; i++) {
            a.setValue(i, item);
        }
        return a;
    }

    /** Values at the edges of their types. */
    private NSObject edgeValue() {
        return switch (r.nextInt(12)) {
            case 0 -> new NSString("");
            case 1 -> new NSString("   ");
            case 2 -> new NSString("\u0000\u0001\u001f");
            case 3 -> new NSString("\ud83d\ude00".repeat(1 + r.nextInt(300)));
            case 4 -> new NSString("\u2028\u200b\ufeff\u0301");
            case 5 -> new NSNumber(Long.MAX_VALUE);
            case 6 -> new NSNumber(Long.MIN_VALUE);
            case 7 -> new NSNumber(Double.NaN);
            case 8 -> new NSNumber(Double.NEGATIVE_INFINITY);
            case 9 -> new NSDate(new java.util.Date(r.nextBoolean() ? Long.MAX_VALUE / 1000 : -62_135_769_600_000L * 3));
            case 10 -> new NSData(new byte[0]);
            default -> new NSString("<>&\"'%s%n${jndi:ldap://x}' OR 1=1 --");
        };
    }

    private String longText() {
        int[] lengths = {64, 128, 256, 1025, 4097, 20_000, 70_000};
        int n = lengths[r.nextInt(lengths.length)] + r.nextInt(3) - 1;
        String unit = switch (r.nextInt(3)) {
            case 0 -> "A";
            case 1 -> "\u00e9";
            default -> "\ud83d\ude00";
        };
        return unit.repeat(Math.max(0, n / unit.length()));
    }

    /** A random value of any type, nested at most depth levels. */
    NSObject value(int depth) {
        int kind = r.nextInt(depth > 0 ? 8 : 6);
        return switch (kind) {
            case 0 -> new NSString(r.nextBoolean() ? pick(KEYS) : Long.toString(r.nextLong(), 36));
            case 1 -> new NSNumber(r.nextInt(5) == 0 ? r.nextLong() : r.nextInt(1000) - 10);
            case 2 -> new NSNumber(r.nextDouble() * 1e6);
            case 3 -> new NSNumber(r.nextBoolean());
            case 4 -> new NSData(ByteMutations.junk(r, r.nextInt(64)));
            case 5 -> new NSDate(new java.util.Date(r.nextLong() % 4_000_000_000_000L));
            case 6 -> {
                NSDictionary d = new NSDictionary();
                for (int i = 0, n = r.nextInt(4); i < n; i++) {
                    d.put(pick(KEYS), value(depth - 1));
                }
                yield d;
            }
            default -> {
                NSArray a = new NSArray(r.nextInt(4));
                for (int i = 0; i < a.count(); i++) {
                    a.setValue(i, value(depth - 1));
                }
                yield a;
            }
        };
    }

    private String pick(String[] options) {
        return options[r.nextInt(options.length)];
    }
}
