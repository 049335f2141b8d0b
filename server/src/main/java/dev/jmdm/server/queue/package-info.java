/**
 * A queue that stays small (issue #14): finished rows and results deleted after MDM_RESULT_RETENTION, commands for
 * devices gone silent expired after MDM_COMMAND_TTL, both as leased jobs ({@link dev.jmdm.server.queue.QueueFeature}).
 */
package dev.jmdm.server.queue;
