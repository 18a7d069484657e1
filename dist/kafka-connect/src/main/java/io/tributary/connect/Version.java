package io.tributary.connect;

/** The version of this Connect plugin, from its jar's manifest. */
final class Version {
    private Version() {
    }

    static String get() {
        String version = Version.class.getPackage().getImplementationVersion();
        return version == null ? "unknown" : version;
    }
}
