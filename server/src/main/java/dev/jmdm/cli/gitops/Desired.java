package dev.jmdm.cli.gitops;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jmdm.profiles.ParsedProfile;
import java.util.List;
import java.util.Set;

/** What a folder asks for, checked: groups, profiles with targets, policies, each with where it was written. */
public record Desired(List<Group> groups, List<Profile> profiles, List<Policy> policies) {
    /** A file and line, for problems and for the plan. */
    public record Source(String file, int line) {
        @Override
        public String toString() {
            return file + ":" + line;
        }
    }

    public record Group(String name, List<String> hosts, Source source) {
    }

    /** Targets as the API takes them; hosts are references (serial, UDID, id). */
    public record Targets(boolean all, List<String> groups, List<String> hosts, List<String> excludeGroups, List<String> excludeHosts) {
        public static final Targets NONE = new Targets(false, List.of(), List.of(), List.of(), List.of());
    }

    /** A profile: the bytes to upload (secrets substituted), what they parse to, and its targets. */
    public record Profile(String path, ParsedProfile parsed, byte[] bytes, Targets targets, Set<String> secrets, Source source) {
        public String identifier() {
            return parsed.identifier();
        }
    }

    /** A policy document (secrets substituted) and the names it refers to. */
    public record Policy(String name, JsonNode document, Targets targets, String installProfile, Set<String> secrets, Source source) {
    }

    /** One problem: file, line and what is wrong. */
    public record Problem(String file, int line, String message) {
        @Override
        public String toString() {
            return file + ":" + line + ": " + message;
        }
    }
}
