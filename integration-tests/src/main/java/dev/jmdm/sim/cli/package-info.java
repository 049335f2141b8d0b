/**
 * {@code mdm-sim}: the simulated devices and the stand-in APNs as a command line ({@code integration-tests/bin/mdm-sim},
 * docs/simulator.md), for the README's quick start and manual experiments.
 */
package dev.jmdm.sim.cli;
