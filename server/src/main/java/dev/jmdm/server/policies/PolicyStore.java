package dev.jmdm.server.policies;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jmdm.policies.PolicyDocument;
import dev.jmdm.policies.PolicyParser;
import dev.jmdm.server.storage.Sql;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * Policies and their version history. Parsed documents are cached by (name, version), so evaluating a
 * host costs one small query for the list of current versions, not a parse of every document.
 */
final class PolicyStore {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final Jdbi jdbi;
    private final Clock clock;
    private final Map<String, StoredPolicy> cache = new ConcurrentHashMap<>();

    PolicyStore(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /** Thrown by create when the name is taken. */
    static final class NameTakenException extends RuntimeException {
        NameTakenException(String name) {
            super("a policy named " + name + " exists; PUT /v1/policies/" + name + " replaces it");
        }
    }

    /** Creates the policy (version 1); with replace, replaces an existing one with the next version. Returns it. */
    StoredPolicy save(PolicyDocument doc, Targets targets, String actor, boolean replace) {
        long now = clock.millis();
        String document = write(doc.source());
        String targetJson = write(targets);
        return jdbi.inTransaction(h -> {
            Optional<Integer> current = h.createQuery("SELECT version FROM policies WHERE name = :n FOR UPDATE")
                    .bind("n", doc.name()).mapTo(Integer.class).findOne();
            if (current.isPresent() && !replace) {
                throw new NameTakenException(doc.name());
            }
            int version = current.map(v -> v + 1).orElseGet(() -> 1 + h.createQuery(
                    "SELECT COALESCE(MAX(version), 0) FROM policy_versions WHERE name = :n").bind("n", doc.name()).mapTo(Integer.class).one());
            if (current.isPresent()) {
                h.createUpdate("""
                        UPDATE policies SET version = :v, document = :d, targets = :t, evaluation = :e, evaluation_hosts = 0,
                          evaluation_started_at = NULL, evaluation_finished_at = NULL, updated_at = :now WHERE name = :n""")
                        .bind("v", version).bind("d", document).bind("t", targetJson).bind("e", StoredPolicy.QUEUED)
                        .bind("now", now).bind("n", doc.name()).execute();
            } else {
                try {
                    // A new number even for a name used before: entries of the deleted policy must not count as this one's.
                    int id = h.createUpdate("INSERT INTO policy_ids (name) VALUES (:n)").bind("n", doc.name())
                            .executeAndReturnGeneratedKeys("id").mapTo(Integer.class).one();
                    h.createUpdate("""
                            INSERT INTO policies (policy_id, name, version, document, targets, evaluation, created_at, updated_at)
                            VALUES (:id, :n, :v, :d, :t, :e, :now, :now)""")
                            .bind("id", id).bind("n", doc.name()).bind("v", version).bind("d", document).bind("t", targetJson)
                            .bind("e", StoredPolicy.QUEUED).bind("now", now).execute();
                    h.createUpdate("INSERT INTO policy_counts (policy_id, hosts_passing, hosts_failing, hosts_unknown) VALUES (:id, 0, 0, 0)")
                            .bind("id", id).execute();
                } catch (UnableToExecuteStatementException e) {
                    if (Sql.isDuplicateKey(e)) {
                        throw new NameTakenException(doc.name()); // another request created it at the same moment
                    }
                    throw e;
                }
            }
            h.createUpdate("INSERT INTO policy_versions (name, version, document, actor, created_at) VALUES (:n, :v, :d, :a, :now)")
                    .bind("n", doc.name()).bind("v", version).bind("d", document).bind("a", actor).bind("now", now).execute();
            return find(h, doc.name()).orElseThrow();
        });
    }

    /**
     * Deletes the policy and its counts; its versions and transitions stay as history. Its entries in the hosts'
     * packed results are not touched (that would rewrite every host's row): they are ignored from now on and dropped
     * at each host's next write.
     */
    boolean delete(String name) {
        cache.remove(name);
        return jdbi.inTransaction(h -> {
            Optional<Integer> id = h.createQuery("SELECT policy_id FROM policies WHERE name = :n FOR UPDATE").bind("n", name)
                    .mapTo(Integer.class).findOne();
            if (id.isEmpty()) {
                return false;
            }
            h.createUpdate("DELETE FROM policies WHERE name = :n").bind("n", name).execute();
            h.createUpdate("DELETE FROM policy_counts WHERE policy_id = :id").bind("id", id.get()).execute();
            return true;
        });
    }

    Optional<StoredPolicy> find(String name) {
        return jdbi.withHandle(h -> find(h, name));
    }

    private Optional<StoredPolicy> find(Handle h, String name) {
        return h.createQuery("""
                        SELECT name, version, document, targets, evaluation, evaluation_hosts, evaluation_started_at,
                          evaluation_finished_at, created_at, updated_at, policy_id FROM policies WHERE name = :n""")
                .bind("n", name).map((rs, ctx) -> row(rs)).findOne();
    }

    /** Every current policy, by name. Documents come from the cache unless their version changed. */
    List<StoredPolicy> all() {
        return jdbi.withHandle(this::all);
    }

    List<StoredPolicy> all(Handle h) {
        List<Object[]> versions = h.createQuery("SELECT name, version, evaluation, evaluation_hosts, evaluation_started_at, "
                        + "evaluation_finished_at, updated_at FROM policies ORDER BY name")
                .map((rs, ctx) -> new Object[] {rs.getString(1), rs.getInt(2), rs.getString(3), rs.getInt(4),
                        rs.getObject(5, Long.class), rs.getObject(6, Long.class), rs.getLong(7)})
                .list();
        List<StoredPolicy> out = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        for (Object[] v : versions) {
            String name = (String) v[0];
            names.add(name);
            StoredPolicy cached = cache.get(name);
            if (cached == null || cached.version() != (Integer) v[1]) {
                Optional<StoredPolicy> fresh = find(h, name);
                if (fresh.isEmpty()) {
                    continue;
                }
                cached = fresh.get();
            }
            out.add(new StoredPolicy(cached.id(), cached.name(), cached.version(), cached.document(), cached.targets(), (String) v[2], (Integer) v[3],
                    (Long) v[4], (Long) v[5], cached.createdAt(), (Long) v[6]));
        }
        cache.keySet().retainAll(names);
        return out;
    }

    /** Version history, newest first. */
    List<Views.PolicyVersion> versions(String name) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT version, actor, created_at FROM policy_versions WHERE name = :n ORDER BY version DESC")
                .bind("n", name)
                .map((rs, ctx) -> new Views.PolicyVersion(rs.getInt(1), rs.getString(2), java.time.Instant.ofEpochMilli(rs.getLong(3)).toString()))
                .list());
    }

    /** Marks the state of a policy's full evaluation; only for the version it ran on. */
    void evaluation(String name, int version, String state, int hosts) {
        long now = clock.millis();
        jdbi.useHandle(h -> h.createUpdate("""
                        UPDATE policies SET evaluation = :e, evaluation_hosts = :hosts,
                          evaluation_started_at = CASE WHEN :e = 'running' THEN :now ELSE evaluation_started_at END,
                          evaluation_finished_at = CASE WHEN :e IN ('done', 'failed') THEN :now ELSE NULL END
                        WHERE name = :n AND version = :v""")
                .bind("e", state).bind("hosts", hosts).bind("now", now).bind("n", name).bind("v", version).execute());
    }

    private StoredPolicy row(java.sql.ResultSet rs) throws java.sql.SQLException {
        String name = rs.getString(1);
        int version = rs.getInt(2);
        StoredPolicy cached = cache.get(name);
        PolicyDocument doc;
        Targets targets;
        if (cached != null && cached.version() == version && cached.id() == rs.getInt(11)) {
            doc = cached.document();
            targets = cached.targets();
        } else {
            PolicyParser.Parsed parsed = PolicyParser.parse(read(rs.getString(3)));
            if (!parsed.valid()) {
                throw new IllegalStateException("stored policy " + name + " v" + version + " no longer parses: " + parsed.problems());
            }
            doc = parsed.document();
            try {
                targets = JSON.readValue(rs.getString(4), Targets.class);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("stored targets of policy " + name + " do not parse", e);
            }
        }
        StoredPolicy p = new StoredPolicy(rs.getInt(11), name, version, doc, targets, rs.getString(5), rs.getInt(6), rs.getObject(7, Long.class),
                rs.getObject(8, Long.class), rs.getLong(9), rs.getLong(10));
        cache.put(name, p);
        return p;
    }

    static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, Object> read(String json) {
        try {
            return JSON.readValue(json, MAP);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored JSON does not parse", e);
        }
    }
}
