/**
 * Automated Device Enrollment: devices Apple Business Manager assigned to this server and the ADE profiles they
 * enroll with. See docs/ade.md.
 */
package dev.jmdm.server.dep;
