package dev.jmdm.server.secrets;

import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Seals the secrets the store keeps for devices (bootstrap tokens, UnlockTokens, lock/wipe PINs),
 * each bound to its row, and opens them again. Remembers which kinds failed to open so /readyz can
 * say that this server's key is not the one that sealed them.
 */
public final class StoredSecrets {
    private static final byte[] PREFIX_BYTES = SecretBox.BOUND_PREFIX.getBytes(StandardCharsets.US_ASCII);

    private final SecretBox box;
    private final Set<SealedColumn> unreadable = ConcurrentHashMap.newKeySet();
    private final Set<SealedColumn> damaged = ConcurrentHashMap.newKeySet();

    public StoredSecrets(SecretBox box) {
        this.box = box;
    }

    /** What to store in a BLOB column: the sealed text's ASCII bytes. */
    public byte[] sealBytes(SealedColumn column, String rowKey, byte[] value) {
        return box.seal(value, column.boundTo(rowKey)).getBytes(StandardCharsets.US_ASCII);
    }

    public String sealText(SealedColumn column, String rowKey, String value) {
        return box.seal(value.getBytes(StandardCharsets.UTF_8), column.boundTo(rowKey));
    }

    /**
     * Opens what a BLOB column holds. A value not sealed yet (written by a server from before sealing,
     * until the next start-up sealing pass) comes back as it is.
     *
     * @throws UnreadableSecretException when it does not open with this key for this row
     */
    public byte[] openBytes(SealedColumn column, String rowKey, byte[] stored) {
        if (!isSealed(stored)) {
            return stored;
        }
        return open(column, rowKey, new String(stored, StandardCharsets.US_ASCII));
    }

    /** Opens what a VARCHAR column holds; as {@link #openBytes}. */
    public String openText(SealedColumn column, String rowKey, String stored) {
        if (!SecretBox.isBound(stored)) {
            return stored;
        }
        return new String(open(column, rowKey, stored), StandardCharsets.UTF_8);
    }

    private byte[] open(SealedColumn column, String rowKey, String sealed) {
        try {
            return box.open(sealed, column.boundTo(rowKey));
        } catch (SecretBox.WrongKeyException e) {
            unreadable.add(column);
            throw UnreadableSecretException.wrongKey(column);
        } catch (SecretBox.DamagedSecretException e) {
            damaged.add(column);
            throw UnreadableSecretException.damaged(column, rowKey);
        }
    }

    public static boolean isSealed(byte[] stored) {
        return stored.length >= PREFIX_BYTES.length
                && java.util.Arrays.equals(stored, 0, PREFIX_BYTES.length, PREFIX_BYTES, 0, PREFIX_BYTES.length);
    }

    /** The sealed format's prefix as a column of this kind holds it (to find values not sealed yet in SQL). */
    public static Object prefix(SealedColumn column) {
        return column.binary() ? PREFIX_BYTES.clone() : SecretBox.BOUND_PREFIX;
    }

    public static int prefixLength() {
        return PREFIX_BYTES.length;
    }

    /** One line per kind of secret that failed to open, and why, for /readyz. */
    public List<String> warnings() {
        List<String> out = new java.util.ArrayList<>();
        kinds(unreadable).forEach(c -> out.add("a stored " + c.label() + " does not open with this server's MDM_SECRET_KEY: it was "
                + "sealed with another key (or copied from another row); reading it fails until the server runs with the key that sealed it"));
        kinds(damaged).forEach(c -> out.add("a stored " + c.label() + " is damaged (not a sealed value any key opens; the log names the "
                + "row): reading it fails until it is stored again"));
        return out;
    }

    private static EnumSet<SealedColumn> kinds(Set<SealedColumn> seen) {
        return seen.isEmpty() ? EnumSet.noneOf(SealedColumn.class) : EnumSet.copyOf(seen);
    }
}
