package dev.jmdm.server.dep;

import dev.jmdm.server.http.Json;
import java.util.List;
import java.util.Map;

/** The DEP API's answers (docs/ade.md). Times are ISO-8601. */
public final class DepAnswers {
    private DepAnswers() {
    }

    /** A server token: never its secrets. sync_running_until: a sync holds its lease until then. */
    public record DepTokenInfo(String name, String accessTokenExpiry, String serverName, String serverUuid, String adminId, String orgName,
            String orgEmail, String orgPhone, String orgAddress, String lastSyncAt, String lastSyncError, int devices, boolean cursor,
            String syncRunningUntil, String createdAt, String updatedAt) {
        static DepTokenInfo of(DepTokenStore.TokenInfo t) {
            return new DepTokenInfo(t.name(), Json.time(t.accessTokenExpiry()), t.serverName(), t.serverUuid(), t.adminId(), t.orgName(),
                    t.orgEmail(), t.orgPhone(), t.orgAddress(), Json.time(t.lastSyncAt()), t.lastSyncError(), t.devicesSeen(),
                    t.cursorHeld(), Json.time(t.syncUntil()), Json.time(t.createdAt()), Json.time(t.updatedAt()));
        }
    }

    public record DepTokens(List<DepTokenInfo> tokens) {
    }

    /** What one sync did. */
    public record DepSyncResult(String token, boolean fullFetch, int devicesListed, int newDevices, int disowned, int profilesAssigned) {
        static DepSyncResult of(DepSync.Result r) {
            return new DepSyncResult(r.token(), r.fullFetch(), r.devicesListed(), r.newDevices(), r.disowned(), r.profilesAssigned());
        }
    }

    /** A device ABM assigned to this server; disowned_at once ABM gave it up. */
    public record DepDeviceInfo(String serialNumber, String token, String model, String description, String color, String deviceFamily, String os,
            String assetTag, String assignedAt, String assignedBy, String profileName, String profileUuid, String profileStatus,
            String disownedAt, String updatedAt) {
        static DepDeviceInfo of(DepDeviceStore.Row r) {
            return new DepDeviceInfo(r.serialNumber(), r.tokenName(), r.model(), r.description(), r.color(), r.deviceFamily(), r.os(), r.assetTag(),
                    Json.time(r.assignedAt()), r.assignedBy(), r.profileName(), r.profileUuid(), r.profileStatus(), Json.time(r.disownedAt()),
                    Json.time(r.updatedAt()));
        }
    }

    public record DepDevices(List<DepDeviceInfo> devices, String nextCursor) {
    }

    /**
     * An ADE profile: what Apple is sent, whether new devices get it, and its UUID at Apple per token. definitions: per
     * token, the profile_uuid or why defining it failed (only on the answer to a save).
     */
    public record AdeProfile(String name, Map<String, Object> profile, boolean isDefault, Map<String, String> profileUuids, Map<String, String> errors,
            String createdAt, String updatedAt) {
    }

    public record AdeProfiles(List<AdeProfile> profiles) {
    }

    /** Per serial, Apple's outcome (SUCCESS, NOT_ACCESSIBLE, FAILED) or why it was not sent (not assigned here). */
    public record AdeAssignment(String profile, Map<String, String> devices) {
    }
}
