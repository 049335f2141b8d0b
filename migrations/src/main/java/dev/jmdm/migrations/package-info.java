/**
 * The versioned SQL schema and the Flyway runner that applies it to MySQL/MariaDB or the embedded H2 store.
 */
package dev.jmdm.migrations;
