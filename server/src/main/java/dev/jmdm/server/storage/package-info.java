/**
 * Storage on MySQL/MariaDB or the embedded H2 engine. One schema and the same SQL serve both
 * (see the migrations module), so there is one implementation per store, not one per engine.
 */
package dev.jmdm.server.storage;
