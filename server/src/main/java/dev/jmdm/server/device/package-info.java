/**
 * What the server does with device traffic: check-in messages, command reports and the
 * binding of identity certificates to enrollments. HTTP-free; the http package calls in.
 */
package dev.jmdm.server.device;
