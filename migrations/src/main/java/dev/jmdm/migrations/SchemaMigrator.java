package dev.jmdm.migrations;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Brings a database to the newest schema. Flyway records applied versions in
 * {@code flyway_schema_history} and takes a database lock while migrating, so several server
 * instances starting at once against one MySQL apply each version exactly once.
 *
 * <p>A restart on a current schema, the common case, skips Flyway: one query of the history shows every
 * migration on the classpath applied, successfully, with the checksum Flyway computes for its file, and
 * nothing else. Setting Flyway up (its plugins, database detection, resource scanning and a validate) was
 * most of the server's start-up. Anything else (a new database, a pending, failed, changed or unknown
 * migration, a history this check cannot read) goes through Flyway as before, which migrates or refuses
 * with its own message.
 */
public final class SchemaMigrator {
    /** Where the versioned SQL files live on the classpath. */
    public static final String LOCATION = "classpath:db/migration";
    private static final String RESOURCE_DIR = "db/migration";
    private static final java.util.Set<String> MARKERS = java.util.Set.of("TABLE", "SCHEMA");
    private static final Pattern VERSIONED = Pattern.compile("V(\\d+(?:[._]\\d+)*)__[^/]*\\.sql");

    private SchemaMigrator() {
    }

    /** Applies every pending migration; returns the schema version now in force. */
    public static String migrate(DataSource dataSource) {
        String current = currentVersion(dataSource);
        if (current != null) {
            return current;
        }
        Flyway flyway = Flyway.configure()
                .dataSource(dataSource)
                .locations(LOCATION)
                .failOnMissingLocations(true)
                .load();
        MigrateResult result = flyway.migrate();
        return result.targetSchemaVersion != null ? result.targetSchemaVersion
                : flyway.info().current() == null ? "none" : flyway.info().current().getVersion().getVersion();
    }

    /**
     * The schema version when the history holds exactly the classpath's migrations, each successful and with its
     * file's checksum; null when Flyway has to look (or when this cannot tell).
     */
    public static String currentVersion(DataSource dataSource) {
        Map<String, Integer> available = availableChecksums();
        if (available == null || available.isEmpty()) {
            return null;
        }
        Map<String, Integer> applied = new HashMap<>();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT version, checksum, success, type FROM flyway_schema_history")) {
            while (rs.next()) {
                if (rs.getString(1) == null && MARKERS.contains(rs.getString(4)) && rs.getBoolean(3)) {
                    continue; // Flyway noting that it made its own table or schema (H2 has one)
                }
                int checksum = rs.getInt(2);
                boolean noChecksum = rs.wasNull();
                if (!rs.getBoolean(3) || !"SQL".equals(rs.getString(4)) || noChecksum
                        || applied.put(rs.getString(1), checksum) != null) {
                    return null;
                }
            }
        } catch (SQLException noHistoryYet) {
            return null;
        }
        if (!applied.equals(available)) {
            return null;
        }
        return available.keySet().stream().max(SchemaMigrator::compareVersions).orElseThrow();
    }

    /** Version to Flyway checksum of every versioned migration on the classpath; null when they cannot be listed. */
    static Map<String, Integer> availableChecksums() {
        ClassLoader loader = SchemaMigrator.class.getClassLoader();
        URL dir = loader.getResource(RESOURCE_DIR);
        if (dir == null) {
            return null;
        }
        List<String> names = new ArrayList<>();
        try {
            if ("jar".equals(dir.getProtocol())) {
                JarURLConnection connection = (JarURLConnection) dir.openConnection();
                connection.setUseCaches(false);
                try (JarFile jar = connection.getJarFile()) {
                    for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements();) {
                        String name = e.nextElement().getName();
                        if (name.startsWith(RESOURCE_DIR + "/") && name.indexOf('/', RESOURCE_DIR.length() + 1) < 0) {
                            names.add(name.substring(RESOURCE_DIR.length() + 1));
                        }
                    }
                }
            } else if ("file".equals(dir.getProtocol())) {
                try (Stream<Path> files = Files.list(Path.of(dir.toURI()))) {
                    files.forEach(f -> names.add(f.getFileName().toString()));
                }
            } else {
                return null;
            }
            Map<String, Integer> checksums = new HashMap<>();
            for (String name : names) {
                if (name.isEmpty()) {
                    continue;
                }
                Matcher m = VERSIONED.matcher(name);
                if (!m.matches()) {
                    return null; // a repeatable or callback script: Flyway's business
                }
                String version = m.group(1).replace('_', '.');
                if (checksums.put(version, checksum(loader, RESOURCE_DIR + "/" + name)) != null) {
                    return null; // two files, one version: Flyway refuses it with its own message
                }
            }
            return checksums;
        } catch (IOException | URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    /** Flyway's checksum of a script: CRC32 of its lines' UTF-8 bytes without line ends, a leading BOM dropped. */
    static int checksum(ClassLoader loader, String resource) throws IOException {
        CRC32 crc = new CRC32();
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("cannot read " + resource);
            }
            BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            boolean first = true;
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (first && line.startsWith("\uFEFF")) {
                    line = line.substring(1);
                }
                first = false;
                crc.update(line.getBytes(StandardCharsets.UTF_8));
            }
        }
        return (int) crc.getValue();
    }

    private static int compareVersions(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int c = new java.math.BigInteger(i < x.length ? x[i] : "0").compareTo(new java.math.BigInteger(i < y.length ? y[i] : "0"));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }
}
