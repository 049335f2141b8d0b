/**
 * Compliance policies as a pure rule language: parse and validate a policy document (a map read from
 * YAML or JSON), evaluate its check against one host's facts. No storage, no HTTP, no clock of its own.
 */
package dev.jmdm.policies;
