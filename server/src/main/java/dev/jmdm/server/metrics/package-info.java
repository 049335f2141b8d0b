/** Prometheus metrics (Micrometer): push outcomes, device traffic, queue activity. */
package dev.jmdm.server.metrics;
