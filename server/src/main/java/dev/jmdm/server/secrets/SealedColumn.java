package dev.jmdm.server.secrets;

/**
 * The columns whose values are stored sealed and bound to their row: the associated data names the
 * table, the column and the row's key, so a value copied to another row (or column) does not open.
 */
public enum SealedColumn {
    /** Unlocks the secure token of a Mac's accounts; escrowed by SetBootstrapToken. */
    BOOTSTRAP_TOKEN("devices", "id", "bootstrap_token", true, "bootstrap token"),
    /** Clears an iPhone's or iPad's passcode; escrowed by TokenUpdate. */
    UNLOCK_TOKEN("devices", "id", "unlock_token", true, "UnlockToken"),
    /** Unlocks a Mac after DeviceLock or EraseDevice. */
    PIN("host_pins", "command_uuid", "pin", false, "lock/wipe PIN"),
    /** The private key ABM encrypts server tokens to (Automated Device Enrollment). */
    DEP_SERVER_KEY("dep_server_key", "id", "private_key", false, "DEP server key"),
    /** An ABM server token's OAuth keys and secrets. */
    DEP_TOKEN("dep_tokens", "name", "secrets", false, "DEP server token");

    private final String table;
    private final String keyColumn;
    private final String column;
    private final boolean binary;
    private final String label;

    SealedColumn(String table, String keyColumn, String column, boolean binary, String label) {
        this.table = table;
        this.keyColumn = keyColumn;
        this.column = column;
        this.binary = binary;
        this.label = label;
    }

    public String table() {
        return table;
    }

    public String keyColumn() {
        return keyColumn;
    }

    public String column() {
        return column;
    }

    /** A BLOB (the sealed text is stored as its ASCII bytes) rather than a VARCHAR. */
    public boolean binary() {
        return binary;
    }

    /** What the value is, for messages. */
    public String label() {
        return label;
    }

    String boundTo(String rowKey) {
        return table + "." + column + "/" + rowKey;
    }
}
