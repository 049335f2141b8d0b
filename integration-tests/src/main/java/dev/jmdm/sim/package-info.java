/**
 * Simulated Apple devices that speak the MDM protocol with real identities and signatures, for end-to-end tests and the load benchmark.
 */
package dev.jmdm.sim;
