package dev.jmdm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jmdm.server.testing.TestDatabases;
import dev.jmdm.sim.AdminClient;
import dev.jmdm.sim.SimulatedDevice;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The configuration profile scenarios on a fresh MySQL/MariaDB database, plus two servers sharing it. */
class ProfileMariaDbTest extends ProfileScenarios {
    @Override
    TestDatabases.Engine engine() {
        return TestDatabases.Engine.MYSQL;
    }

    @Test
    void twoServersSweepingAtOnceQueueEveryCommandOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try (TestServer second = new TestServer(server, Files.createTempDirectory("jmdm-profiles-second"))) {
            List<SimulatedDevice> fleet = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                fleet.add(enrolledMac());
            }
            String id = newIdentifier("two-servers");
            String uuid1 = upload(profile(id, newUuid(), 32));
            targetHosts(id, fleet.toArray(SimulatedDevice[]::new));
            sweepOnBothAtOnce(pool, second);
            for (SimulatedDevice d : fleet) {
                assertThat(types(d.channel().poll())).as(d.udid()).containsExactly("InstallProfile", "ProfileList");
                assertThat(d.state().profiles().get(id).uuid()).isEqualTo(uuid1);
            }

            // An edit through the second server, both sweeping again: one InstallProfile each, of the new version.
            AdminClient.Reply edit = second.admin.send("POST", "/v1/profiles", profile(id, newUuid(), 64));
            assertThat(edit.status()).as(edit.body()).isEqualTo(200);
            String uuid2 = edit.json().get("uuid").asText();
            sweepOnBothAtOnce(pool, second);
            for (SimulatedDevice d : fleet) {
                assertThat(types(d.channel().poll())).as(d.udid()).containsExactly("InstallProfile", "ProfileList");
                assertThat(d.state().profiles().get(id).uuid()).isEqualTo(uuid2);
                assertThat(hostProfiles(d).get(id).get("status").asText()).isEqualTo("verified");
            }
            assertThat(status(id).get("counts").get("verified").asInt()).isEqualTo(fleet.size());
        } finally {
            pool.shutdownNow();
        }
    }

    /** Three synchronous sweeps on each server, all started together, on top of the ones the change triggered. */
    private void sweepOnBothAtOnce(ExecutorService pool, TestServer second) throws Exception {
        List<Callable<Integer>> sweeps = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            sweeps.add(() -> admin.send("POST", "/v1/profiles/reconcile", null).status());
            sweeps.add(() -> second.admin.send("POST", "/v1/profiles/reconcile", null).status());
        }
        for (Future<Integer> f : pool.invokeAll(sweeps)) {
            assertThat(f.get()).isEqualTo(200);
        }
    }
}
