package dev.jmdm.server.profiles;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.jmdm.profiles.ParsedProfile;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The profile and group API's answers, as records. */
final class ProfileAnswers {
    private ProfileAnswers() {
    }

    static String time(long millis) {
        return Instant.ofEpochMilli(millis).toString();
    }

    /** POST /v1/profiles; the warning is set only when the server gave the upload a new PayloadUUID. */
    record Uploaded(String identifier, String uuid, int version, String outcome, Boolean uuidRewritten, String warning) {
    }

    record Profile(String identifier, String uuid, int version, String displayName, String checksum, boolean signed, String signer,
            String createdAt, String updatedAt) {
        static Profile of(ProfileStore.Profile p) {
            return new Profile(p.identifier(), p.uuid(), p.version(), p.displayName(), p.checksum(), p.signed(), p.signerSubject(),
                    time(p.createdAt()), time(p.updatedAt()));
        }
    }

    record Profiles(List<Profile> profiles) {
    }

    record Version(int version, String uuid, String checksum, int size, Boolean uuidRewritten, String createdAt) {
        static Version of(ProfileStore.Version v) {
            return new Version(v.version(), v.uuid(), v.checksum(), v.size(), v.uuidRewritten() ? true : null, time(v.createdAt()));
        }
    }

    record Payload(String type, String identifier, String uuid, String displayName) {
        static Payload of(ParsedProfile.Payload p) {
            return new Payload(p.type(), p.identifier(), p.uuid(), p.displayName());
        }
    }

    record Targets(boolean all, List<String> groups, List<Long> hosts, List<String> excludeGroups, List<Long> excludeHosts) {
        static Targets of(ProfileStore.Targets t) {
            return new Targets(t.all(), t.groups(), t.hosts(), t.excludeGroups(), t.excludeHosts());
        }
    }

    record ProfileDetail(@JsonUnwrapped Profile profile, List<Version> versions, List<Payload> payloads, Targets targets) {
    }

    /** One host's state of a profile. */
    record HostStatus(long host, String udid, String serial, String status, String operation, String detail, String uuid, Integer version,
            String commandUuid, String updatedAt) {
    }

    record ProfileStatus(String identifier, Map<String, Integer> counts, List<HostStatus> hosts, String nextCursor) {
    }

    /** One profile's state on a host. */
    record HostProfile(String identifier, String displayName, String status, String operation, String detail, String uuid, Integer version,
            String installedUuid, String commandUuid, String updatedAt) {
    }

    record HostProfiles(long host, String udid, String serial, List<HostProfile> profiles) {
    }

    record Refresh(long host, String commandUuid) {
    }

    record Sweep(int hosts, int hostsChanged, int commandsQueued, long millis) {
    }

    /** A group; its member ids only when one group is shown. */
    record Group(String name, int memberCount, List<Long> hosts, String createdAt, String updatedAt) {
    }

    record Groups(List<Group> groups) {
    }
}
