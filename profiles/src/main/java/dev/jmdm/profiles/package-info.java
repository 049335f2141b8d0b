/**
 * Configuration profiles without storage or HTTP: parse and validate .mobileconfig uploads, version them,
 * diff desired against reported profiles, move each host's install/remove status, and build the commands.
 */
package dev.jmdm.profiles;
