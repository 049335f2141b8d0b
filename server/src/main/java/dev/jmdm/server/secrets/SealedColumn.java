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
    DEP_TOKEN("dep_tokens", "name", "secrets", false, "DEP server token"),
    /**
     * A queued command that carries a secret in its own plist (a lock or wipe PIN, an UnlockToken, a recovery-lock or
     * firmware password): sealed like the stores above so the queue table does not hold in plaintext what the
     * tables beside it seal. Other commands stay as enqueued (the filter), so tools reading the queue still can.
     */
    COMMAND("commands", "command_uuid", "command", true, "command carrying a secret",
            "request_type IN (" + String.join(", ", SecretCommands.TYPES.stream().map(t -> "'" + t + "'").toList()) + ")");

    private final String table;
    private final String keyColumn;
    private final String column;
    private final boolean binary;
    private final String label;
    private final String rowFilter;

    SealedColumn(String table, String keyColumn, String column, boolean binary, String label) {
        this(table, keyColumn, column, binary, label, null);
    }

    SealedColumn(String table, String keyColumn, String column, boolean binary, String label, String rowFilter) {
        this.table = table;
        this.keyColumn = keyColumn;
        this.column = column;
        this.binary = binary;
        this.label = label;
        this.rowFilter = rowFilter;
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

    /** The SQL condition naming the rows whose value is sealed, or null when every row's is. */
    public String rowFilter() {
        return rowFilter;
    }

    /** What the value is, for messages. */
    public String label() {
        return label;
    }

    String boundTo(String rowKey) {
        return table + "." + column + "/" + rowKey;
    }
}
