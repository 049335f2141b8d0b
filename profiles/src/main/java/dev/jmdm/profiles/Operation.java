package dev.jmdm.profiles;

/** What the server is doing with a profile on a host. */
public enum Operation {
    INSTALL,
    REMOVE
}
