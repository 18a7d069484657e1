package io.tributary.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What every case of one benchmark session shares: the broker's topics, the plugin zips, a work
 * folder, the scale, where flight recordings go when profiling, and the installed agent.
 *
 * @param profileDir   where the agent's flight recordings go; null when not profiling
 * @param installation the agent as installed, for the cases that run its bin/tributary
 */
record Session(Topics topics, Path pluginsDir, Path workDir, Scale scale, Path profileDir, Installation installation) {

    String bootstrapServers() {
        return topics.bootstrapServers();
    }

    /** A new, empty folder for one run. */
    Path runDir(String name) {
        Path dir = workDir.resolve(name);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        return dir;
    }

    /** Where the agent of a run records its flight, or null when not profiling. */
    Path profile(String runName) {
        return profileDir == null ? null : profileDir.resolve(runName + ".jfr");
    }
}
