/** How the server's log lines look: text (the default) or one JSON object per line ({@code MDM_LOG_FORMAT}). */
package dev.jmdm.server.logging;
