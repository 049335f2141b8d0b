package dev.jmdm.server.storage;

import dev.jmdm.server.secrets.SealedColumn;
import dev.jmdm.server.secrets.StoredSecrets;
import dev.jmdm.server.secrets.UnreadableSecretException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Started at every start: seals each stored secret that is not sealed yet (written before sealing
 * existed, or by an older server sharing the database), and checks that this server's key opens what
 * is sealed. A SQL migration cannot do this (it does not know the key); running at every start rather
 * than once also catches values an older server wrote during a rolling upgrade. The server runs it in
 * the background (reads accept an unsealed value meanwhile), so a large first pass does not hold up
 * the listener; with nothing left to seal it costs one table scan per column that returns no rows.
 */
public final class SecretSealingPass {
    private static final Logger LOG = LoggerFactory.getLogger(SecretSealingPass.class);
    static final int BATCH = 500;

    private final Jdbi jdbi;
    private final StoredSecrets secrets;
    private volatile boolean stopped;

    public SecretSealingPass(Jdbi jdbi, StoredSecrets secrets) {
        this.jdbi = jdbi;
        this.secrets = secrets;
    }

    /** Checks the key, then seals what is not sealed; returns how many values of each column it sealed. */
    public Map<SealedColumn, Integer> run() {
        probe();
        return seal();
    }

    /** Opens one sealed value per column; one that does not open is remembered for /readyz and logged. Fast. */
    public void probe() {
        for (SealedColumn c : SealedColumn.values()) {
            probe(c);
        }
    }

    /** Seals what is not sealed, page by page until done or {@link #stop()}; how many of each column it sealed. */
    public Map<SealedColumn, Integer> seal() {
        Map<SealedColumn, Integer> sealed = new EnumMap<>(SealedColumn.class);
        for (SealedColumn c : SealedColumn.values()) {
            int n = seal(c);
            sealed.put(c, n);
            if (n > 0) {
                LOG.info("sealed {} {}(s) stored in plaintext by an earlier version", n, c.label());
            }
        }
        return sealed;
    }

    /** Ends {@link #seal()} after the page it is on; the next start carries on. */
    public void stop() {
        stopped = true;
    }

    private int seal(SealedColumn c) {
        int total = 0;
        String after = "";
        while (true) {
            String from = after;
            List<Map.Entry<String, Object>> rows = jdbi.withHandle(h -> unsealed(h, c, from));
            if (!rows.isEmpty()) {
                total += jdbi.inTransaction(h -> sealBatch(h, c, rows));
            }
            if (rows.size() < BATCH || stopped) {
                return total;
            }
            after = rows.get(rows.size() - 1).getKey();
        }
    }

    /**
     * One transaction per page (one commit, not one per row). Compare-and-set: a value another server (or a
     * device) replaced meanwhile is left to them.
     */
    private int sealBatch(Handle h, SealedColumn c, List<Map.Entry<String, Object>> rows) {
        PreparedBatch batch = h.prepareBatch("UPDATE " + c.table() + " SET " + c.column() + " = :sealed WHERE "
                + c.keyColumn() + " = :k AND " + c.column() + " = :old");
        for (Map.Entry<String, Object> row : rows) {
            batch.bind("sealed", sealedValue(c, row.getKey(), row.getValue())).bind("k", row.getKey()).bind("old", row.getValue()).add();
        }
        return java.util.Arrays.stream(batch.execute()).map(n -> Math.max(n, 0)).sum();
    }

    private static List<Map.Entry<String, Object>> unsealed(Handle h, SealedColumn c, String after) {
        return h.createQuery("SELECT " + c.keyColumn() + ", " + c.column() + " FROM " + c.table() + " WHERE " + c.keyColumn()
                        + " > :after AND " + c.column() + " IS NOT NULL AND (LENGTH(" + c.column() + ") < :n OR SUBSTRING("
                        + c.column() + ", 1, :n) <> :prefix)" + (c.rowFilter() == null ? "" : " AND " + c.rowFilter())
                        + " ORDER BY " + c.keyColumn() + " LIMIT :limit")
                .bind("after", after).bind("n", StoredSecrets.prefixLength()).bind("prefix", StoredSecrets.prefix(c))
                .bind("limit", BATCH)
                .map(keyAndValue(c))
                .list();
    }

    /** The row's key and the column's value: bytes of a BLOB, text of a VARCHAR. */
    private static RowMapper<Map.Entry<String, Object>> keyAndValue(SealedColumn c) {
        return (rs, ctx) -> Map.entry(rs.getString(1), c.binary() ? rs.getBytes(2) : rs.getString(2));
    }

    private Object sealedValue(SealedColumn c, String key, Object plain) {
        return c.binary() ? secrets.sealBytes(c, key, (byte[]) plain) : secrets.sealText(c, key, (String) plain);
    }

    /** Opens one sealed value of the column; one that does not open is remembered for /readyz and logged. */
    private void probe(SealedColumn c) {
        var sample = jdbi.withHandle(h -> h.createQuery("SELECT " + c.keyColumn() + ", " + c.column() + " FROM " + c.table()
                        + " WHERE " + c.column() + " IS NOT NULL AND SUBSTRING(" + c.column() + ", 1, :n) = :prefix"
                        + (c.rowFilter() == null ? "" : " AND " + c.rowFilter()) + " LIMIT 1")
                .bind("n", StoredSecrets.prefixLength()).bind("prefix", StoredSecrets.prefix(c))
                .map(keyAndValue(c))
                .findOne());
        sample.ifPresent(row -> {
            try {
                if (c.binary()) {
                    secrets.openBytes(c, row.getKey(), (byte[]) row.getValue());
                } else {
                    secrets.openText(c, row.getKey(), (String) row.getValue());
                }
            } catch (UnreadableSecretException e) {
                LOG.warn("{}", e.getMessage());
            }
        });
    }
}
