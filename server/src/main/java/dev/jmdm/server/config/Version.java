package dev.jmdm.server.config;

/** The running build's version, from the jar manifest (the Maven project version). */
public final class Version {
    private Version() {
    }

    public static String current() {
        String v = Version.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
