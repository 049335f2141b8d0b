/**
 * Undertow handlers: device endpoints, the admin API, health, and the error mapping that keeps
 * every refusal a clear 4xx (and never a 401 on device paths).
 */
package dev.jmdm.server.http;
