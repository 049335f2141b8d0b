/**
 * Scheduled jobs shared by several servers on one database: {@link dev.jmdm.server.jobs.JobLeases} (the lease rows)
 * and {@link dev.jmdm.server.jobs.LeasedJobs} (a periodic task runs on the server holding its lease, once a period).
 */
package dev.jmdm.server.jobs;
