/**
 * The demo (issue #18): a server on a fresh embedded store with simulated devices enrolled and answering, so a new
 * user sees a living fleet in the console ({@code bin/jmdm-demo}); the console's browser tests start from it too.
 */
package dev.jmdm.sim.demo;
