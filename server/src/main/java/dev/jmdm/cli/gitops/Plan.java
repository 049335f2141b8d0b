package dev.jmdm.cli.gitops;

import java.util.List;

/** What an apply does, in the order it does it: pre-registrations, groups, profiles, policies, then deletions. */
public record Plan(List<Change> changes) {
    /** What a change is to. */
    public enum Kind { host, group, profile, policy }

    /** create, update, delete; unmanaged: on the server, not in the folder, left as it is (no --prune). */
    public enum Op { create, update, delete, unmanaged }

    /**
     * One change.
     *
     * @param details      lines under the change: a diff of members or targets ({@code + C02…}, {@code - lab}), content versions
     * @param hostsTouched how many hosts the change reaches (members added and removed, hosts newly or no longer targeted,
     *                     every targeted host for a new profile version)
     */
    public record Change(Kind kind, Op op, String name, List<String> details, int hostsTouched) {
        public String headline() {
            String what = switch (op) {
                case create -> kind == Kind.host ? "pre-register" : "create";
                case update -> "update";
                case delete -> "delete";
                case unmanaged -> "unmanaged";
            };
            String hosts = kind == Kind.host || op == Op.unmanaged ? "" : " (" + hostsTouched + " host" + (hostsTouched == 1 ? "" : "s") + ")";
            String suffix = op == Op.unmanaged ? ": not in the folder, left as it is (--prune deletes it)" : "";
            return what + " " + kind + " " + name + hosts + suffix;
        }
    }

    /** Whether applying would change anything on the server (unmanaged items are only listed). */
    public boolean changesSomething() {
        return changes.stream().anyMatch(c -> c.op() != Op.unmanaged);
    }

    public List<Change> of(Kind kind, Op op) {
        return changes.stream().filter(c -> c.kind() == kind && c.op() == op).toList();
    }
}
