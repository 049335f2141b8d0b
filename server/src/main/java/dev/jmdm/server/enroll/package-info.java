/**
 * Enrollment: {@code GET /mdm/enroll} hands out a signed enrollment profile with a fresh device identity from the
 * server's device CA, and admins create BYOD enrollment links (tokens) through the API.
 */
package dev.jmdm.server.enroll;
