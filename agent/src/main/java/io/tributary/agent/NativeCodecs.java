package io.tributary.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where Kafka's compression codecs unpack their native libraries: under {@code agent.data_dir}, which
 * the agent must be able to write, instead of {@code java.io.tmpdir}. Hardened hosts mount /tmp
 * noexec, where a library unpacked there cannot be loaded, and the service's ProtectSystem=strict
 * leaves only the data folder and a private /tmp writable; without its library, zstd or snappy
 * fails every send and the agent retries forever. lz4-java falls back to Java code on its own.
 */
final class NativeCodecs {
    /** The folder under {@code agent.data_dir}. */
    static final String FOLDER = "native";
    /** The system properties zstd-jni and snappy-java read for their unpack folder. */
    static final List<String> FOLDER_PROPERTIES = List.of("ZstdTempFolder", "org.xerial.snappy.tempdir");

    private NativeCodecs() {
    }

    /** Points the codecs at {@code dataDir/native}, unless {@code JAVA_OPTS} chose a folder already. */
    static void unpackUnder(Path dataDir) {
        Path folder = dataDir.resolve(FOLDER);
        try {
            Files.createDirectories(folder);
        } catch (IOException unusable) {
            // The agent reports an unusable data_dir itself when it starts.
            return;
        }
        for (String property : FOLDER_PROPERTIES) {
            if (System.getProperty(property) == null) {
                System.setProperty(property, folder.toString());
            }
        }
    }
}
