/**
 * The Apple MDM protocol as values: check-in messages, command reports, commands and the
 * enrollment ids derived from them. No I/O here.
 */
package dev.jmdm.server.protocol;
