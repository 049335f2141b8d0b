/**
 * Configuration profiles without storage or HTTP: parse and validate .mobileconfig uploads, version them,
 * reconcile each host's desired profiles with what it tracks and reports, move each host's install/remove
 * status, and build the commands.
 */
package dev.jmdm.profiles;
