/**
 * Hosts as admins see them: listing and forgetting hosts, inventory from MDM queries, per-host
 * command history, a command builder checked against Apple's schemas, remote actions, and the audit log.
 */
package dev.jmdm.server.hosts;
