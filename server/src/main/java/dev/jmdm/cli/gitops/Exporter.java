package dev.jmdm.cli.gitops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes what the server holds as a GitOps folder: {@code jmdm.yml} (groups by serial, profiles with targets,
 * policies by path), {@code profiles/IDENTIFIER.mobileconfig} (the exact bytes devices get) and
 * {@code policies/NAME.yml}. Applying it back changes nothing.
 */
public final class Exporter {
    private final ServerState server;

    public Exporter(ServerState server) {
        this.server = server;
    }

    /** Writes into {@code dir} (created if needed); returns the files written, relative to it. */
    public List<String> export(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("profiles"));
        Files.createDirectories(dir.resolve("policies"));
        List<String> written = new java.util.ArrayList<>();
        ObjectNode root = Yaml.MAPPER.createObjectNode();
        ArrayNode groups = root.putArray("groups");
        for (Map.Entry<String, Set<String>> g : server.groups().entrySet()) {
            ObjectNode n = groups.addObject().put("name", g.getKey());
            ArrayNode hosts = n.putArray("hosts");
            g.getValue().forEach(hosts::add);
        }
        ArrayNode profiles = root.putArray("profiles");
        for (Map.Entry<String, ServerState.Profile> p : server.profiles().entrySet()) {
            String rel = "profiles/" + fileName(p.getKey()) + ".mobileconfig";
            Files.write(dir.resolve(rel), p.getValue().stored().bytes());
            written.add(rel);
            ObjectNode n = profiles.addObject().put("path", rel);
            Desired.Targets t = p.getValue().targets();
            ObjectNode targets = n.putObject("targets");
            if (t.all()) {
                targets.put("all", true);
            }
            list(targets, "groups", t.groups());
            list(targets, "hosts", t.hosts());
            list(targets, "exclude_groups", t.excludeGroups());
            list(targets, "exclude_hosts", t.excludeHosts());
        }
        ArrayNode policies = root.putArray("policies");
        for (Map.Entry<String, JsonNode> p : server.policies().entrySet()) {
            String rel = "policies/" + fileName(p.getKey()) + ".yml";
            Files.writeString(dir.resolve(rel), Yaml.MAPPER.writeValueAsString(p.getValue()), StandardCharsets.UTF_8);
            written.add(rel);
            policies.addObject().put("path", rel);
        }
        String header = "# Written by jmdm export from " + "the server's state; see docs/gitops.md.\n"
                + "# Profiles and policies are as stored: replace any secret in them with $ENV{NAME} before committing.\n";
        Files.writeString(dir.resolve("jmdm.yml"), header + Yaml.MAPPER.writeValueAsString(root), StandardCharsets.UTF_8);
        written.add(0, "jmdm.yml");
        return written;
    }

    private static void list(ObjectNode n, String field, List<String> values) {
        if (!values.isEmpty()) {
            ArrayNode a = n.putArray(field);
            values.forEach(a::add);
        }
    }

    /** Identifiers and policy names are safe in paths already (no '/'), except for a leading dot. */
    static String fileName(String name) {
        String s = name.replaceAll("[^A-Za-z0-9._-]", "_");
        return s.startsWith(".") ? "_" + s : s;
    }

}
