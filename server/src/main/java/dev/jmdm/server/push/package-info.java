/** Wakes enrollments through APNs after enqueues and on demand, using the apns module. */
package dev.jmdm.server.push;
