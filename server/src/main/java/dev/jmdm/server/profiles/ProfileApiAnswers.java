package dev.jmdm.server.profiles;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.jmdm.profiles.ParsedProfile;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The profile and group API's answers, as records. */
public final class ProfileApiAnswers {
    private ProfileApiAnswers() {
    }

    static String time(long millis) {
        return Instant.ofEpochMilli(millis).toString();
    }

    /** POST /v1/profiles; the warning is set only when the server gave the upload a new PayloadUUID. */
    public record Uploaded(String identifier, String uuid, int version, String outcome, Boolean uuidRewritten, String warning) {
    }

    public record Profile(String identifier, String uuid, int version, String displayName, String checksum, boolean signed, String signer,
            String createdAt, String updatedAt) {
        static Profile of(ProfileStore.Profile p) {
            return new Profile(p.identifier(), p.uuid(), p.version(), p.displayName(), p.checksum(), p.signed(), p.signerSubject(),
                    time(p.createdAt()), time(p.updatedAt()));
        }
    }

    public record Profiles(List<Profile> profiles) {
    }

    public record ProfileVersion(int version, String uuid, String checksum, int size, Boolean uuidRewritten, String createdAt) {
        static ProfileVersion of(ProfileStore.Version v) {
            return new ProfileVersion(v.version(), v.uuid(), v.checksum(), v.size(), v.uuidRewritten() ? true : null, time(v.createdAt()));
        }
    }

    public record Payload(String type, String identifier, String uuid, String displayName) {
        static Payload of(ParsedProfile.Payload p) {
            return new Payload(p.type(), p.identifier(), p.uuid(), p.displayName());
        }
    }

    public record Targets(boolean all, List<String> groups, List<Long> hosts, List<String> excludeGroups, List<Long> excludeHosts) {
        static Targets of(ProfileStore.Targets t) {
            return new Targets(t.all(), t.groups(), t.hosts(), t.excludeGroups(), t.excludeHosts());
        }
    }

    public record ProfileDetail(@JsonUnwrapped Profile profile, List<ProfileVersion> versions, List<Payload> payloads, Targets targets) {
    }

    /** One host's state of a profile. */
    public record HostStatus(long host, String udid, String serial, String status, String operation, String detail, String uuid, Integer version,
            String commandUuid, String updatedAt) {
    }

    public record ProfileStatus(String identifier, Map<String, Integer> counts, List<HostStatus> hosts, String nextCursor) {
    }

    /** One profile's state on a host. */
    public record HostProfile(String identifier, String displayName, String status, String operation, String detail, String uuid, Integer version,
            String installedUuid, String commandUuid, String updatedAt) {
    }

    public record HostProfiles(long host, String udid, String serial, List<HostProfile> profiles) {
    }

    public record Refresh(long host, String commandUuid) {
    }

    public record Sweep(int hosts, int hostsChanged, int commandsQueued, long millis) {
    }

    /** A group; its member ids only when one group is shown. */
    public record Group(String name, int memberCount, List<Long> hosts, String createdAt, String updatedAt) {
    }

    public record Groups(List<Group> groups) {
    }
}
