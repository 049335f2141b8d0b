/** Bounded hand-off of background work: fixed threads, bounded queues, load shed with a log line and a metric. */
package dev.jmdm.server.concurrent;
