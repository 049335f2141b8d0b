package dev.jmdm.sim.bench;

import dev.jmdm.server.secrets.SealedColumn;
import dev.jmdm.server.secrets.SecretBox;
import dev.jmdm.server.secrets.StoredSecrets;
import dev.jmdm.server.storage.Database;
import dev.jmdm.server.storage.SecretSealingPass;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jdbi.v3.core.statement.PreparedBatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What the start-up sealing pass costs: N devices with plaintext bootstrap tokens and UnlockTokens and
 * N/10 plaintext PINs, as a database upgraded from the version before sealing holds them; then the first
 * start (seals everything) and a later start (nothing left to seal). Checks that every value ended sealed.
 */
@Command(name = "sealing-bench", mixinStandardHelpOptions = true,
        description = "Start-up sealing pass on an empty MySQL/MariaDB database (or an H2 URL).")
public final class SealingPassBenchmark implements Callable<Integer> {
    @Option(names = "--devices", description = "devices with both tokens (default ${DEFAULT-VALUE})")
    int devices = 100_000;
    @Option(names = "--token-bytes", description = "size of each token (default ${DEFAULT-VALUE})")
    int tokenBytes = 1024;
    @Option(names = "--dsn", required = true, description = "JDBC URL of an empty database")
    String dsn;

    public static void main(String[] args) {
        int code = 1;
        try {
            code = new CommandLine(new SealingPassBenchmark()).execute(args);
        } catch (Throwable t) {
            t.printStackTrace();
        } finally {
            System.exit(code);
        }
    }

    @Override
    public Integer call() {
        try (Database db = Database.open(dsn, 4)) {
            long t0 = System.nanoTime();
            seed(db);
            System.out.printf("seeded %,d devices (2 × %d-byte tokens) and %,d PINs in plaintext: %.1f s%n", devices, tokenBytes,
                    devices / 10, (System.nanoTime() - t0) / 1e9);
            StoredSecrets secrets = new StoredSecrets(SecretBox.fromSecret("sealing-bench-key"));
            for (String run : new String[] {"first start (seals all)", "next start (nothing to seal)"}) {
                long t = System.nanoTime();
                Map<SealedColumn, Integer> sealed = new SecretSealingPass(db.jdbi(), secrets).run();
                System.out.printf("%-30s %8.2f s  sealed %s%n", run, (System.nanoTime() - t) / 1e9, sealed);
            }
            int unsealed = db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM devices WHERE SUBSTRING(bootstrap_token, 1, 10) <> :p"
                    + " OR SUBSTRING(unlock_token, 1, 10) <> :p").bind("p", StoredSecrets.prefix(SealedColumn.BOOTSTRAP_TOKEN)).mapTo(Integer.class).one());
            if (unsealed != 0 || !secrets.warnings().isEmpty()) {
                System.out.println("FAILED: " + unsealed + " devices hold unsealed tokens; warnings " + secrets.warnings());
                return 1;
            }
            return 0;
        }
    }

    private void seed(Database db) {
        SecureRandom random = new SecureRandom();
        db.jdbi().useHandle(h -> {
            PreparedBatch devicesBatch = h.prepareBatch("INSERT INTO devices (id, bootstrap_token, unlock_token, created_at, updated_at)"
                    + " VALUES (:id, :b, :u, 1, 1)");
            PreparedBatch pins = h.prepareBatch("INSERT INTO host_pins (command_uuid, host_id, request_type, pin, actor, created_at)"
                    + " VALUES (:u, :h, 'DeviceLock', :p, 'bench', 1)");
            for (int i = 0; i < devices; i++) {
                byte[] b = new byte[tokenBytes];
                byte[] u = new byte[tokenBytes];
                random.nextBytes(b);
                random.nextBytes(u);
                devicesBatch.bind("id", String.format("BENCH-%08d", i)).bind("b", b).bind("u", u).add();
                if (i % 10 == 0) {
                    pins.bind("u", String.format("LOCK-%08d", i)).bind("h", i).bind("p", String.format("%06d", random.nextInt(1_000_000))).add();
                }
                if ((i + 1) % 1000 == 0 || i == devices - 1) {
                    devicesBatch.execute();
                    if (pins.size() > 0) {
                        pins.execute();
                    }
                }
            }
        });
    }
}
